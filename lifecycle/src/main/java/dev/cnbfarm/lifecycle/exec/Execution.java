package dev.cnbfarm.lifecycle.exec;

import java.time.Duration;

/**
 * The outcome of an {@link Invocation}: exit code, merged stdout+stderr (capped), the time taken.
 * {@code startError} is non-empty when the executable could not be run at all. Immutable.
 */
public record Execution(int exitCode, String output, Duration elapsed, String startError) {
  public Execution {
    output = output == null ? "" : output;
    startError = startError == null ? "" : startError;
  }

  public boolean started() {
    return startError.isEmpty();
  }
}
