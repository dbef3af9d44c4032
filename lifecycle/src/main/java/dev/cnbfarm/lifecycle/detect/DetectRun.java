package dev.cnbfarm.lifecycle.detect;

import java.time.Duration;
import java.util.List;

/**
 * What one module's detection produced: the exit code ({@link #PASS}, {@link #FAIL}, another
 * code for an error, or {@link #ERROR} when the lifecycle itself rejected the module's output),
 * the captured output, why it did not pass, and its plan with {@code [[or]]} alternatives.
 * Immutable.
 */
public record DetectRun(int code, String output, String reason, PlanSections plan, List<PlanSections> alternatives,
    Duration elapsed, boolean executed) {
  public static final int PASS = 0;
  public static final int FAIL = 100;
  /** Not an exit code: the lifecycle found the module or its output invalid. */
  public static final int ERROR = -1;

  public DetectRun {
    output = output == null ? "" : output;
    reason = reason == null ? "" : reason;
    alternatives = List.copyOf(alternatives);
  }

  static DetectRun error(String reason, String output, Duration elapsed, boolean executed) {
    return new DetectRun(ERROR, output, reason, PlanSections.EMPTY, List.of(), elapsed, executed);
  }

  /** Skipped without running, e.g. an optional module whose targets do not match. */
  static DetectRun skipped(String reason) {
    return new DetectRun(FAIL, "", reason, PlanSections.EMPTY, List.of(), Duration.ZERO, false);
  }

  public boolean passed() {
    return code == PASS;
  }

  public boolean errored() {
    return code != PASS && code != FAIL;
  }
}
