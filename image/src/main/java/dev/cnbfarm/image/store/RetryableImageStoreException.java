package dev.cnbfarm.image.store;

import dev.cnbfarm.lifecycle.failure.Category;

/** A transient failure that survived our own bounded retries (registry 5xx, timeout, connection reset); the pipeline may retry the whole step later. Immutable. */
public final class RetryableImageStoreException extends ImageStoreException {
  private static final long serialVersionUID = 1L;

  public RetryableImageStoreException(String message) {
    super(message, null);
  }

  public RetryableImageStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public Category category() {
    return Category.INFRA;
  }
}
