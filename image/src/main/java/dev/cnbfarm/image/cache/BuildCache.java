package dev.cnbfarm.image.cache;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.lifecycle.cache.CacheMetadata;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The build cache (platform.md "Caching"; the reference's {@code cache.VolumeCache} and {@code
 * cache.ImageCache}): {@code cache = true} layers kept between builds, as layer tars named by
 * diffID, with {@link CacheMetadata}. The restorer reads the committed generation; the exporter
 * writes the next one ({@link #put}, then {@link #commit}), reusing what did not change. One
 * instance serves one phase run; not thread-safe.
 */
public sealed interface BuildCache permits VolumeCache, ImageCache {
  /** The cache dir or image, for log lines. */
  String name();

  /** Whether a committed generation exists (else the reference logs "Layer cache not found"). */
  boolean exists();

  /** The committed generation's metadata; empty when there is none or it is unreadable. */
  CacheMetadata metadata();

  /**
   * Restores the committed layer {@code diffId} as {@code <layersDir>/<escapedId>/<name>},
   * replacing what is there, after checking its contents hash to {@code diffId}.
   *
   * @throws CacheReadException when the layer is not in the cache or its contents differ (nothing is left behind)
   */
  void restore(Digest diffId, Path layersDir, String escapedId, String name);

  /**
   * Puts {@code layer} into the next generation: the previous generation's copy when its diffID is
   * {@code previous} (the reference's "Reusing cache layer"), else a new tar or blob ("Adding").
   */
  CachePut put(CacheLayer layer, Optional<Digest> previous);

  /** Makes the next generation, with {@code metadata}, the committed one. Single use. */
  void commit(CacheMetadata metadata);
}
