package dev.cnbfarm.lifecycle.failure;

/**
 * How the pipeline treats a failure: see design.md §8 and style.md §5. Separate from the {@link
 * FailureCode}: a registry 503 during extend keeps exit code 102 but is {@link #INFRA}. Immutable.
 */
public enum Category {
  /** A build outcome, not an error: no group passed detection, a buildpack failed. */
  OUTCOME,
  /** Bad input from a user: an invalid Dockerfile, a malformed TOML file, a bad flag, a 401, a 404. */
  USER,
  /** Infrastructure that may work on a retry: a registry 5xx, a timeout, a refused connection. */
  INFRA,
  /** A bug or a poison record. */
  INTERNAL,
  /**
   * The work was cancelled (the thread was interrupted: shutdown, a deadline of the caller). Not a
   * verdict on the build and never retried by the code that saw it: the interrupt flag is kept, and
   * the worker loop stops without committing, so the record is redelivered to another worker.
   */
  CANCELLED;

  /** Whether the same work may succeed if it is simply tried again later: only {@link #INFRA}. */
  public boolean retryable() {
    return this == INFRA;
  }
}
