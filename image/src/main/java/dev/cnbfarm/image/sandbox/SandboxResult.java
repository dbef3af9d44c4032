package dev.cnbfarm.image.sandbox;

import java.time.Duration;
import java.util.List;

/**
 * How a sandboxed command ended. Immutable.
 *
 * @param exitCode the command's exit code; {@code 128+n} when killed by signal {@code n}
 * @param elapsed wall time from start to the end of the namespace
 * @param timedOut whether the sandbox killed the command at its time limit
 * @param limitsExceeded the {@link SandboxLimits} the run hit, as phrases naming the setting (e.g.
 *     "hit the process limit of 4096 (CNBFARM_SANDBOX_PIDS); ..."); empty if none
 */
public record SandboxResult(
    int exitCode, Duration elapsed, boolean timedOut, List<String> limitsExceeded) {

  public SandboxResult {
    if (elapsed == null || elapsed.isNegative()) {
      throw new IllegalArgumentException("elapsed must be a non-negative duration: " + elapsed);
    }
    limitsExceeded = List.copyOf(limitsExceeded);
  }

  /** A result that hit no resource limit. */
  public SandboxResult(int exitCode, Duration elapsed, boolean timedOut) {
    this(exitCode, elapsed, timedOut, List.of());
  }

  /** Exit code 0 within the time limit and the disk budget. */
  public boolean succeeded() {
    return exitCode == 0 && !timedOut && !overDiskBudget();
  }

  /**
   * Whether the step wrote more than {@link SandboxLimits#DISK} allows: killed by the watchdog, or
   * seen over it by the last sample after a fast step ended (then the exit code may be 0, but the
   * step's layer must not be used).
   */
  public boolean overDiskBudget() {
    return limitsExceeded.stream().anyMatch(DiskWatchdog::isBudgetPhrase);
  }

  /** {@code ""}, or {@code " (it <limits>)"} to append to a failure message. */
  public String limitNote() {
    return limitsExceeded.isEmpty() ? "" : " (it " + String.join(" and ", limitsExceeded) + ")";
  }
}
