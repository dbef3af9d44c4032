package dev.cnbfarm.image.store;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import java.io.OutputStream;

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
   * Pushes {@code config} (whose digest must be the manifest's config digest) and the manifest,
   * tagging it with {@code ref}'s tag when it has one. Layers must already be in the repository.
   *
   * @return the manifest digest
   */
  Digest pushManifest(ImageRef ref, Manifest manifest, byte[] config);
}
