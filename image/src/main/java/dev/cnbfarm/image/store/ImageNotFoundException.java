package dev.cnbfarm.image.store;

import dev.cnbfarm.lifecycle.failure.Category;

/** The image, tag or blob does not exist in the store. A user error: the reference is wrong. Immutable. */
public final class ImageNotFoundException extends ImageStoreException {
  private static final long serialVersionUID = 1L;

  public ImageNotFoundException(String message) {
    super(message, null);
  }

  public ImageNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public Category category() {
    return Category.USER;
  }
}
