package dev.cnbfarm.image.export;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.lifecycle.export.ExportReport;
import java.util.List;
import java.util.Objects;

/**
 * What an export wrote. Immutable.
 *
 * @param image the app image as pushed (reference = the first target, pinned)
 * @param manifestSize the manifest's size in bytes
 * @param targets every reference written (all point at the same manifest)
 * @param layers what happened to each layer, per target, in manifest order
 */
public record ExportResult(Image image, long manifestSize, List<ImageRef> targets, List<LayerOutcome> layers) {
  public ExportResult {
    Objects.requireNonNull(image, "image");
    targets = List.copyOf(targets);
    layers = List.copyOf(layers);
  }

  /** The manifest digest. */
  public Digest digest() {
    return image.manifestDigest();
  }

  /** The {@code report.toml} content: every target, the manifest digest and size. */
  public ExportReport report() {
    return new ExportReport(targets.stream().map(ImageRef::toString).toList(), digest().value(), manifestSize);
  }

  /** How many layer blobs, over all targets, ended with {@code outcome}. */
  public long count(BlobPush.Outcome outcome) {
    return layers.stream().filter(l -> l.outcome() == outcome).count();
  }

  /**
   * One layer blob made available in one target repository.
   *
   * @param target the target
   * @param id what the layer is: {@code run:<n>}, {@code extension:<n>}, {@code <bp-id>:<layer>}, {@code app},
   *     {@code launcher} or {@code config}
   * @param digest the blob digest
   * @param outcome whether it was uploaded, mounted or already there
   */
  public record LayerOutcome(ImageRef target, String id, Digest digest, BlobPush.Outcome outcome) {
    public LayerOutcome {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(digest, "digest");
      Objects.requireNonNull(outcome, "outcome");
    }
  }
}
