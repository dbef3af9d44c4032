package dev.cnbfarm.image.export;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.Descriptor;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One layer of an assembled app image and where a target repository gets its blob. Immutable.
 *
 * @param id what the layer is: {@code run:<n>}, {@code extension:<n>}, {@code <bp-id>:<layer>},
 *     {@code app}, {@code launcher} or {@code config}
 * @param descriptor the blob as the manifest lists it
 * @param diffId the digest of the uncompressed tar
 * @param source where the blob is
 */
public record AppLayer(String id, Descriptor descriptor, Digest diffId, Source source) {
  public AppLayer {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(descriptor, "descriptor");
    Objects.requireNonNull(diffId, "diffId");
    Objects.requireNonNull(source, "source");
  }

  /** Where a layer blob comes from. */
  public sealed interface Source permits RunImage, Published, Stored, LocalFile {}

  /** A run image layer: mounted from the run image's repository, never downloaded. */
  public record RunImage(ImageRef repository) implements Source {
    public RunImage {
      Objects.requireNonNull(repository, "repository");
    }
  }

  /** A layer the build published to {@code repository}, which it reached with {@code outcome}. */
  public record Published(ImageRef repository, BlobPush.Outcome outcome) implements Source {
    public Published {
      Objects.requireNonNull(repository, "repository");
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  /**
   * An extension layer blob the pipeline's run-kind extend already pushed to {@code repository}:
   * mounted like a run image layer (copied only between an {@code oci:} layout and a registry,
   * never pulled otherwise), and found in place when {@code repository} is the target's.
   */
  public record Stored(ImageRef repository) implements Source {
    public Stored {
      Objects.requireNonNull(repository, "repository");
    }
  }

  /** An extension layer in the run-kind extend's sparse layout: uploaded from that file. */
  public record LocalFile(Path file) implements Source {
    public LocalFile {
      Objects.requireNonNull(file, "file");
    }
  }
}
