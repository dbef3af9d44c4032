package dev.cnbfarm.image.store;

import dev.cnbfarm.lifecycle.failure.CnbfarmException;

/**
 * A failure of an {@link ImageStore}, classified by what the caller should do about it (style.md
 * §5): retry ({@link RetryableImageStoreException}, {@code INFRA}) or report it to the user (the
 * others, {@code USER}). A phase gives it its exit code ({@code Failures.classify}) and keeps the
 * category. Unchecked; immutable.
 */
public abstract sealed class ImageStoreException extends CnbfarmException
    permits ImageNotFoundException, ImageStoreUnauthorizedException, InvalidImageException,
        RetryableImageStoreException {
  private static final long serialVersionUID = 1L;

  ImageStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
