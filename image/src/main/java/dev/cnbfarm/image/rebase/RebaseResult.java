package dev.cnbfarm.image.rebase;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Image;
import java.util.List;
import java.util.Objects;

/**
 * What a rebase wrote. Immutable.
 *
 * @param image the rebased image (its ref is the app image reference without digest)
 * @param runImage the run image it now sits on, pinned to its digest
 * @param replacedLayers how many layers below the seam were replaced
 * @param keptLayers how many layers above the seam were kept
 * @param unchanged whether the app already sat on this run image (the digest did not change)
 * @param targets every reference the manifest was written to
 */
public record RebaseResult(Image image, ImageRef runImage, int replacedLayers, int keptLayers, boolean unchanged,
    List<ImageRef> targets) {
  public RebaseResult {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(runImage, "runImage");
    targets = List.copyOf(targets);
  }

  public Digest digest() {
    return image.manifestDigest();
  }
}
