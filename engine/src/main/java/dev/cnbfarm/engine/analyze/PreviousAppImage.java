package dev.cnbfarm.engine.analyze;

import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageNotFoundException;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.ImageStoreException;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.LayersMetadata;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.util.Objects;
import java.util.Optional;

/**
 * The previous app image as the analyzer reads it (the reference's {@code phase/analyzer.go}):
 * the image and its {@code io.buildpacks.lifecycle.metadata} label decoded (one that cannot be
 * decoded reads as empty, as the reference continues). The analyzer command and detect-worker both
 * read it here, so analyzed.toml's {@code [image]} and {@code [metadata]} are the same from either.
 * Immutable.
 *
 * @param image the previous image
 * @param metadata its layers' metadata
 */
public record PreviousAppImage(Image image, LayersMetadata metadata) {
  public PreviousAppImage {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(metadata, "metadata");
  }

  /**
   * The image {@code ref} names, or empty when it does not exist (not an error: the reference logs
   * "Image with name ... not found").
   *
   * @throws LifecycleException with {@link FailureCode#ANALYZE_ERROR} when the store cannot be read
   */
  public static Optional<PreviousAppImage> find(ImageStore store, ImageRef ref, Reporter reporter) {
    Image image;
    try {
      image = store.read(ref);
    } catch (ImageNotFoundException e) {
      reporter.info("Image with name \"" + ref + "\" not found");
      return Optional.empty();
    } catch (ImageStoreException e) {
      throw new LifecycleException(FailureCode.ANALYZE_ERROR, "cannot read the previous image " + ref + ": "
          + e.getMessage(), e);
    }
    reporter.debug("Found image with identifier \"" + image.pinnedRef() + "\"");
    String label = image.config().labels().get(LifecycleMetadata.LABEL);
    return Optional.of(new PreviousAppImage(image, label == null ? LayersMetadata.EMPTY
        : LayersMetadata.fromLabel(label)));
  }

  /** {@code analyzed} with this image as {@code [image] reference} and {@code [metadata]}. */
  public Analyzed into(Analyzed analyzed) {
    return analyzed.withPreviousImage(image.pinnedRef().toString(), metadata);
  }
}
