package dev.cnbfarm.lifecycle.failure;

/**
 * A failure of a lifecycle phase, carrying the {@link FailureCode} (and so the exit code) the
 * spec gives it and a {@link Category}, which is the code's unless the failure says otherwise: a
 * failure wrapping another {@link CnbfarmException} keeps that one's category (a registry 503
 * wrapped as {@link FailureCode#EXTEND_ERROR} still exits 102 and stays {@link Category#INFRA}).
 * The message is meant for a human: it names the file, line or element at fault. Unchecked;
 * immutable.
 */
public class LifecycleException extends CnbfarmException {
  private static final long serialVersionUID = 1L;
  private final FailureCode code;
  private final Category category;

  public LifecycleException(FailureCode code, String message) {
    super(message);
    this.code = code;
    this.category = code.category();
  }

  /** Keeps {@code cause}'s category when it is one of ours, else the code's. */
  public LifecycleException(FailureCode code, String message, Throwable cause) {
    this(code, cause instanceof CnbfarmException c ? c.category() : code.category(), message, cause);
  }

  public LifecycleException(FailureCode code, Category category, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.category = category;
  }

  public FailureCode code() {
    return code;
  }

  @Override
  public Category category() {
    return category;
  }
}
