package dev.cnbfarm.image.sandbox;

import java.time.Duration;

/**
 * How a sandboxed command ended. Immutable.
 *
 * @param exitCode the command's exit code; {@code 128+n} when killed by signal {@code n}
 * @param elapsed wall time from start to the end of the namespace
 * @param timedOut whether the sandbox killed the command at its time limit
 */
public record SandboxResult(int exitCode, Duration elapsed, boolean timedOut) {

  public SandboxResult {
    if (elapsed == null || elapsed.isNegative()) {
      throw new IllegalArgumentException("elapsed must be a non-negative duration: " + elapsed);
    }
  }

  /** Exit code 0 within the time limit. */
  public boolean succeeded() {
    return exitCode == 0 && !timedOut;
  }
}
