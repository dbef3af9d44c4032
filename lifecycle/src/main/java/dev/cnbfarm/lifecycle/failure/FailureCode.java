package dev.cnbfarm.lifecycle.failure;

/**
 * Every way a phase can end other than success, with the exit code the CNB platform spec gives it
 * (platform.md "Exit Codes"; extensions.md §2.5, §6.6). Stable names: they are mirrored in events.
 * Immutable.
 */
public enum FailureCode {
  GENERIC(1, Category.INTERNAL, "lifecycle"),
  /** A malformed platform input file (order.toml, analyzed.toml...): exit 1, as the reference. */
  INVALID_INPUT(1, Category.USER, "lifecycle"),
  INVALID_ARGS(3, Category.USER, "lifecycle"),
  INCOMPATIBLE_PLATFORM_API(11, Category.USER, "lifecycle"),
  INCOMPATIBLE_BUILDPACK_API(12, Category.USER, "lifecycle"),
  DETECT_FAILED(20, Category.OUTCOME, "detect"),
  DETECT_ERRORED(21, Category.OUTCOME, "detect"),
  DETECT_ERROR(22, Category.USER, "detect"),
  ANALYZE_ERROR(32, Category.USER, "analyze"),
  RESTORE_ERROR(42, Category.USER, "restore"),
  BUILD_FAILED(51, Category.OUTCOME, "build"),
  BUILD_ERROR(52, Category.USER, "build"),
  EXPORT_ERROR(62, Category.USER, "export"),
  REBASE_ERROR(72, Category.USER, "rebase"),
  GENERATE_FAILED(91, Category.OUTCOME, "generate"),
  GENERATE_ERROR(92, Category.USER, "generate"),
  EXTEND_ERROR(102, Category.USER, "extend");

  private final int exitCode;
  private final Category category;
  private final String phase;

  FailureCode(int exitCode, Category category, String phase) {
    this.exitCode = exitCode;
    this.category = category;
    this.phase = phase;
  }

  /** The process exit code the reference lifecycle uses for this failure. */
  public int exitCode() {
    return exitCode;
  }

  public Category category() {
    return category;
  }

  /** The spec phase that owns this code: detect, generate, extend, build, export... */
  public String phase() {
    return phase;
  }
}
