package dev.cnbfarm.image.layer;

import java.time.Instant;

/**
 * The fixed times cnbfarm writes instead of the clock, so the same inputs give the same digests:
 * one constant per meaning, each named after the reference lifecycle's. Constants only.
 */
public final class NormalisedTime {
  /**
   * Every layer tar entry's mtime: the reference lifecycle's {@code archive.NormalizedModTime}
   * (1980-01-01T00:00:01Z), the earliest time a zip can hold.
   */
  public static final Instant LAYER_MTIME = Instant.parse("1980-01-01T00:00:01Z");

  /**
   * The {@code created} time and the history entries' time of the images cnbfarm makes (the app
   * image, builders, {@code image from-dir} images, layer cache entries): imgutil's {@code
   * NormalizedDateTime}, the same instant as {@link #LAYER_MTIME}, in RFC 3339.
   */
  public static final String IMAGE_CREATED = "1980-01-01T00:00:01Z";

  /**
   * The {@code created} time of a run image extended by Dockerfiles and of its extension layers'
   * history entries: "zero, the epoch" (extensions.md §6.3 item 7). The reference's kaniko applier
   * writes Go's zero time (0001-01-01T00:00:00Z) here; cnbfarm keeps the Unix epoch, which its
   * extended images and the app images on them have always recorded.
   */
  public static final String EXTENSION_CREATED = "1970-01-01T00:00:00Z";

  private NormalisedTime() {}
}
