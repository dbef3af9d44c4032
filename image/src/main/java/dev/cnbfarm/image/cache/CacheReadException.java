package dev.cnbfarm.image.cache;

/**
 * A cached layer that cannot be used: missing, unreadable, or whose contents do not hash to its
 * diffID (the reference's {@code cache.ReadErr}). The restorer skips such a layer with a warning
 * (the buildpack rebuilds it); the exporter adds the layer again instead of reusing it.
 */
public final class CacheReadException extends RuntimeException {
  public CacheReadException(String message) {
    super(message);
  }

  public CacheReadException(String message, Throwable cause) {
    super(message, cause);
  }
}
