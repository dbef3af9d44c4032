package dev.cnbfarm.lifecycle.failure;

/**
 * The work stopped because its thread was interrupted ({@link Category#CANCELLED}). Whoever throws
 * it has restored the interrupt flag first; nobody retries it. It is not a {@link
 * LifecycleException} because the code that sees an interrupt (a registry client, the sandbox)
 * does not know the phase; {@link Failures#classify} gives it the phase's code. Unchecked;
 * immutable.
 */
public final class CancelledException extends CnbfarmException {
  private static final long serialVersionUID = 1L;

  /** {@code <what> interrupted}; {@code cause} is the {@link InterruptedException} or the failure it cut short. */
  public CancelledException(String what, Throwable cause) {
    super(what + " interrupted", cause);
  }

  @Override
  public Category category() {
    return Category.CANCELLED;
  }
}
