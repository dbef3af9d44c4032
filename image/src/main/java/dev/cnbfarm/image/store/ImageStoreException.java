package dev.cnbfarm.image.store;

import dev.cnbfarm.lifecycle.failure.Category;

/**
 * A failure of an {@link ImageStore}, classified by what the caller should do about it (style.md
 * §5): retry ({@link RetryableImageStoreException}) or report it to the user (the others).
 * Unchecked; immutable.
 */
public abstract sealed class ImageStoreException extends RuntimeException
    permits ImageNotFoundException, ImageStoreUnauthorizedException, InvalidImageException,
        RetryableImageStoreException {
  private static final long serialVersionUID = 1L;

  ImageStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** How the pipeline treats this failure. */
  public abstract Category category();
}
