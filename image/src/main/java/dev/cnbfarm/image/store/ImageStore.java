package dev.cnbfarm.image.store;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The image store port (design.md §4): content-addressed blobs and manifests in a registry or an
 * OCI layout. Blob operations name a repository through any reference to it (tag and digest are
 * ignored). Failures are {@link ImageStoreException}s. Implementations are thread-safe.
 */
public interface ImageStore {

  /** Reads the linux/amd64 image {@code ref} names, resolving an index or manifest list. */
  default Image read(ImageRef ref) {
    return read(ref, Platform.LINUX_AMD64);
  }

  /** Reads the image {@code ref} names for {@code platform}, resolving an index or manifest list. */
  Image read(ImageRef ref, Platform platform);

  /** Whether the repository holds the blob. */
  boolean hasBlob(ImageRef repository, Digest digest);

  /** Streams a blob's bytes to {@code out} (which stays open), checking its digest. */
  void pullBlob(ImageRef repository, Digest digest, OutputStream out);

  /**
   * Streams the blob a descriptor names to {@code out} (which stays open), checking its digest and
   * reading no more than its size: a store sending more fails at {@code size + 1} bytes.
   */
  void pullBlob(ImageRef repository, Descriptor blob, OutputStream out);

  /** Uploads a layer unless the repository already has it. */
  BlobPush pushBlob(ImageRef repository, LayerBlob blob);

  /** Uploads a small blob (a config) unless the repository already has it. */
  BlobPush pushBlob(ImageRef repository, byte[] content);

  /**
   * Makes blob {@code digest} of {@code from} available in {@code repository} without sending it
   * when the store can (cross-repository mount), otherwise by copying it.
   */
  BlobPush mountBlob(ImageRef repository, Digest digest, ImageRef from);

  /**
   * Copies the blob {@code blob} names from {@code from} into {@code repository} when no mount can
   * move it: across registries, or between an {@code oci:} layout and a registry. A blob the
   * repository already has is not pulled ({@link BlobPush.Outcome#EXISTED}); otherwise it is pulled
   * into a temp file (bounded and checked by its descriptor) and uploaded. The one copy of a blob
   * from store to store; {@link #mountOrCopyBlob} chooses between it and a mount.
   */
  default BlobPush copyBlob(ImageRef repository, Descriptor blob, ImageRef from) {
    if (hasBlob(repository, blob.digest())) {
      return new BlobPush(blob.digest(), blob.size(), BlobPush.Outcome.EXISTED);
    }
    try {
      Path temp = Files.createTempFile("cnbfarm-blob-", ".tmp");
      try {
        try (OutputStream out = Files.newOutputStream(temp)) {
          pullBlob(from, blob, out);
        }
        // moving a blob needs its digest and size only; the diffID is not sent
        return pushBlob(repository, new LayerBlob(temp, blob.digest(), blob.digest(), blob.size()));
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy blob " + blob.digest() + " from " + from + " to " + repository, e);
    }
  }

  /**
   * Makes the blob {@code blob} names available in {@code repository}: by {@link #mountBlob} when
   * both references are of one kind (two registries, two {@code oci:} layouts), else by {@link
   * #copyBlob} (a layout and a registry).
   */
  default BlobPush mountOrCopyBlob(ImageRef repository, Descriptor blob, ImageRef from) {
    if ((repository instanceof LayoutRef) == (from instanceof LayoutRef)) {
      return mountBlob(repository, blob.digest(), from);
    }
    return copyBlob(repository, blob, from);
  }

  /**
   * Pushes {@code config} (whose digest must be the manifest's config digest) and the manifest,
   * tagging it with {@code ref}'s tag when it has one. Layers must already be in the repository.
   *
   * @return the manifest digest
   */
  Digest pushManifest(ImageRef ref, Manifest manifest, byte[] config);
}
