package dev.cnbfarm.image.export;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.Descriptor;
import java.util.Objects;

/**
 * One layer blob the build published to the target repository. Immutable.
 *
 * @param id what the layer is: {@code <bp-id>:<layer>}, {@code app}, {@code launcher} or {@code config}
 * @param descriptor the blob as a manifest lists it (OCI gzip layer, digest, size)
 * @param diffId the digest of the uncompressed tar
 * @param outcome whether publishing uploaded it or found it there
 */
public record PublishedLayer(String id, Descriptor descriptor, Digest diffId, BlobPush.Outcome outcome) {
  public PublishedLayer {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(descriptor, "descriptor");
    Objects.requireNonNull(diffId, "diffId");
    Objects.requireNonNull(outcome, "outcome");
  }
}
