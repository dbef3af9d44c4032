package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * An extended run image as written to {@code <extended>/run/<manifest digest>/} (extensions.md
 * §6.5, §11.11): an OCI layout holding the manifest, the config and only the new layers' blobs.
 * Immutable.
 *
 * @param dir the image directory, named after the manifest digest
 * @param manifestDigest the digest of the manifest blob
 * @param manifest the manifest: base layer descriptors, then the extension layers
 * @param config the config
 */
public record SparseLayout(Path dir, Digest manifestDigest, Manifest manifest, ImageConfig config) {
  public SparseLayout {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(manifestDigest, "manifestDigest");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(config, "config");
  }

  /** Where blob {@code digest} lives in the layout (whether or not it is present). */
  public Path blobPath(Digest digest) {
    return dir.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
  }

  /**
   * The blob file if the layout holds it. A layer descriptor without a blob is a layer of the
   * original base image, which the exporter takes from the base image itself.
   */
  public Optional<Path> blob(Digest digest) {
    Path path = blobPath(digest);
    return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
  }
}
