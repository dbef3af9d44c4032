package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One layer of an {@link ImageState}: its diffID, its unpacked directory in overlay form (whiteouts
 * as 0:0 char devices, opaque dirs by xattr), and — for layers made by a Dockerfile step — the
 * compressed blob and the history text. Immutable.
 */
public record StateLayer(Digest diffId, Path dir, Optional<LayerBlob> blob, String createdBy) {
  public StateLayer {
    createdBy = createdBy == null ? "" : createdBy;
  }

  /** A layer of the base image, unpacked from the store. */
  public static StateLayer base(Digest diffId, Path dir) {
    return new StateLayer(diffId, dir, Optional.empty(), "");
  }

  public boolean isNew() {
    return blob.isPresent();
  }
}
