package dev.cnbfarm.image.cache;

import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.CnbfarmException;

/**
 * A cached layer that cannot be used: missing, unreadable, or whose contents do not hash to its
 * diffID (the reference's {@code cache.ReadErr}). The restorer skips such a layer with a warning
 * (the buildpack rebuilds it); the exporter adds the layer again instead of reusing it. Under the
 * one failure root as a storage fault ({@link Category#INFRA}) for where it is not caught.
 */
public final class CacheReadException extends CnbfarmException {
  public CacheReadException(String message) {
    super(message);
  }

  public CacheReadException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public Category category() {
    return Category.INFRA;
  }
}
