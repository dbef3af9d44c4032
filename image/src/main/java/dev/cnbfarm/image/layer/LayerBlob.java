package dev.cnbfarm.image.layer;

import dev.cnbfarm.image.ref.Digest;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A gzipped layer tar on disk with the two digests an image needs: {@code digest} (of the
 * compressed blob, used in manifests and blob URLs) and {@code diffId} (of the uncompressed tar,
 * used in the config's {@code rootfs.diff_ids}). Immutable; the file itself is not owned by it.
 *
 * @param file the {@code .tar.gz} file
 * @param digest sha256 of the file's bytes
 * @param diffId sha256 of the uncompressed tar stream
 * @param size the file's size in bytes
 */
public record LayerBlob(Path file, Digest digest, Digest diffId, long size) {
  public LayerBlob {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(diffId, "diffId");
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
  }
}
