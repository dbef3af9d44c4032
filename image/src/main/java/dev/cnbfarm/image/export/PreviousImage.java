package dev.cnbfarm.image.export;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageNotFoundException;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.LayersMetadata;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The previous app image an export may reuse layers of (buildpack.md "Reusing layers"; the
 * reference exporter's {@code OrigMetadata}): its layers' metadata as the analyzer copied it into
 * analyzed.toml {@code [metadata]}, and the blob of each of its layers by diffID, so a reused
 * layer is mounted into the target repository (or found there) and never downloaded. Immutable.
 *
 * @param ref the previous image, pinned; empty when there is none
 * @param metadata its layers, from analyzed.toml
 * @param blobs its layer blobs by diffID
 */
public record PreviousImage(Optional<ImageRef> ref, LayersMetadata metadata, Map<Digest, Descriptor> blobs) {
  /** No previous image: nothing can be reused. */
  public static final PreviousImage NONE = new PreviousImage(Optional.empty(), LayersMetadata.EMPTY, Map.of());

  public PreviousImage {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(metadata, "metadata");
    blobs = Map.copyOf(blobs);
  }

  /**
   * The previous image analyzed.toml names ({@code [image] reference}), read through {@code store}
   * (manifest and config only). One that is gone since the analyzer saw it leaves only the
   * metadata: a re-created layer is still compared by digest, but none can be reused.
   */
  public static PreviousImage read(ImageStore store, Analyzed analyzed, Reporter reporter) {
    Optional<String> name = analyzed.previousImageReference();
    if (name.isEmpty()) {
      return new PreviousImage(Optional.empty(), analyzed.layersMetadata(), Map.of());
    }
    Image image;
    try {
      image = store.read(ImageRef.parse(name.get()));
    } catch (ImageNotFoundException e) {
      reporter.warn("previous image " + name.get() + " is gone: no layer can be reused from it");
      return new PreviousImage(Optional.empty(), analyzed.layersMetadata(), Map.of());
    }
    Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
    List<Descriptor> layers = image.manifest().layers();
    List<Digest> diffIds = image.config().diffIds();
    for (int i = 0; i < Math.min(layers.size(), diffIds.size()); i++) {
      blobs.putIfAbsent(diffIds.get(i), layers.get(i));
    }
    return new PreviousImage(Optional.of(image.pinnedRef()), analyzed.layersMetadata(), blobs);
  }

  /** The previous image's blob of the layer with diffID {@code sha}. */
  public Optional<Descriptor> blob(String sha) {
    return blobs.entrySet().stream().filter(e -> e.getKey().value().equals(sha)).map(Map.Entry::getValue).findFirst();
  }
}
