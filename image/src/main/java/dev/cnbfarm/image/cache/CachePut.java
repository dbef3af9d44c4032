package dev.cnbfarm.image.cache;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.store.BlobPush;
import java.util.Objects;
import java.util.Optional;

/**
 * What putting one layer into the next cache generation did. Immutable.
 *
 * @param diffId the layer's diffID, the cache metadata's {@code sha}
 * @param reused whether the previous generation's copy was kept (no new tar or blob)
 * @param pushed for a cache image, how its blob reached the cache repository
 * @param warning why an equal previous copy could not be reused (then the layer was added)
 */
public record CachePut(Digest diffId, boolean reused, Optional<BlobPush.Outcome> pushed, Optional<String> warning) {
  public CachePut {
    Objects.requireNonNull(diffId, "diffId");
    Objects.requireNonNull(pushed, "pushed");
    Objects.requireNonNull(warning, "warning");
  }
}
