package dev.cnbfarm.image.store;

import dev.cnbfarm.lifecycle.failure.Category;

/** The store refused our credentials (HTTP 401/403). A user error: fix the docker config or credential helper. Immutable. */
public final class ImageStoreUnauthorizedException extends ImageStoreException {
  private static final long serialVersionUID = 1L;

  public ImageStoreUnauthorizedException(String message) {
    super(message, null);
  }

  public ImageStoreUnauthorizedException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public Category category() {
    return Category.USER;
  }
}
