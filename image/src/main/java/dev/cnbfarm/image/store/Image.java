package dev.cnbfarm.image.store;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import java.util.Objects;

/**
 * A resolved single-platform image: where it was read from, its manifest digest, the manifest and
 * its config. Immutable.
 *
 * @param ref the reference as requested
 * @param manifestDigest digest of the platform manifest (not of an index that pointed to it)
 * @param manifest the manifest
 * @param config the config blob's content
 */
public record Image(ImageRef ref, Digest manifestDigest, Manifest manifest, ImageConfig config) {
  public Image {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(manifestDigest, "manifestDigest");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(config, "config");
  }

  /** The reference pinned to this manifest. */
  public ImageRef pinnedRef() {
    return ref.withDigest(manifestDigest);
  }
}
