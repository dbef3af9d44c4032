package dev.cnbfarm.image.cache;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Descriptor;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code cache = true} layer to put in the build cache. Immutable.
 *
 * @param id {@code <bp-id>:<layer>}, as the log lines name it
 * @param escapedId the buildpack's dir name under {@code <layers>}
 * @param name the layer's name
 * @param dir {@code <layers>/<escaped-id>/<name>}
 * @param uid owner of every file in the tar
 * @param gid group of every file in the tar
 * @param exported the same layer as this export's app image holds it, when it is a launch layer:
 *     tarred this run from the same entries, so its diffID is this layer's (no second tar needed)
 * @param restored the diffID of the cached tar the restorer unpacked here, when the layer has not
 *     changed since ({@link RestoredLayers#unchanged}): no tar needed either
 */
public record CacheLayer(String id, String escapedId, String name, Path dir, int uid, int gid,
    Optional<Exported> exported, Optional<Digest> restored) {
  public CacheLayer {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(escapedId, "escapedId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(exported, "exported");
    Objects.requireNonNull(restored, "restored");
  }

  /** The diffID known without a tar: the export's, else the restorer's. */
  Optional<Digest> knownDiffId() {
    return exported.map(Exported::diffId).or(() -> restored);
  }

  /** A layer blob the app image export pushed to {@code repository} this run. */
  public record Exported(ImageRef repository, Descriptor blob, Digest diffId) {
    public Exported {
      Objects.requireNonNull(repository, "repository");
      Objects.requireNonNull(blob, "blob");
      Objects.requireNonNull(diffId, "diffId");
    }
  }
}
