package dev.cnbfarm.image.store;

import dev.cnbfarm.lifecycle.failure.Category;

/** The store holds something we cannot use: an unsupported media type, malformed JSON, no manifest for the requested platform, a digest mismatch. Immutable. */
public final class InvalidImageException extends ImageStoreException {
  private static final long serialVersionUID = 1L;

  public InvalidImageException(String message) {
    super(message, null);
  }

  public InvalidImageException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public Category category() {
    return Category.USER;
  }
}
