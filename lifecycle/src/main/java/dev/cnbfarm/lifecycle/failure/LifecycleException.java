package dev.cnbfarm.lifecycle.failure;

/**
 * A failure of a lifecycle phase, carrying the {@link FailureCode} (and so the exit code) the
 * spec gives it. The message is meant for a human: it names the file, line or element at fault.
 * Unchecked; immutable.
 */
public class LifecycleException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final FailureCode code;

  public LifecycleException(FailureCode code, String message) {
    super(message);
    this.code = code;
  }

  public LifecycleException(FailureCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public FailureCode code() {
    return code;
  }
}
