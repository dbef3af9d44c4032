package dev.cnbfarm.lifecycle.failure;

/**
 * The one root of cnbfarm's own failures: every adapter maps its library's errors into a subtype
 * once, where it catches them, and each carries a {@link Category} that survives to the CLI's exit
 * code and the worker loop's retry decision. A phase gives it its {@link FailureCode} with {@link
 * Failures#classify}; anything that is not a subtype is classified there too.
 *
 * <p>The set of direct subtypes is closed: {@link LifecycleException} (a phase failure with its
 * code), {@link CancelledException}, and the image adapters' {@code ImageStoreException}, {@code
 * InvalidImageRefException}, {@code InvalidLayerEntryException} and {@code SandboxException}. Java
 * can only seal across packages inside a named module, which these jars are not, so the set is
 * enforced by {@code itests}' {@code FailureTaxonomyTest} instead of {@code sealed}. Messages are
 * for a person: they name the file, line, image or entry at fault and never a Java class.
 * Unchecked; immutable.
 */
public abstract class CnbfarmException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected CnbfarmException(String message) {
    super(message);
  }

  protected CnbfarmException(String message, Throwable cause) {
    super(message, cause);
  }

  /** How the pipeline treats this failure. */
  public abstract Category category();

  /** Whether the work may succeed on a later attempt ({@link Category#INFRA} only). */
  public final boolean retryable() {
    return category().retryable();
  }
}
