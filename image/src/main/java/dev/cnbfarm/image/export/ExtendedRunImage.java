package dev.cnbfarm.image.export;

import dev.cnbfarm.image.dockerfile.SparseLayout;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The run image as the run.Dockerfiles extended it (extensions.md §6.5), as the assembler needs
 * it: the extended config and the extension layers above the run image, each with where its blob
 * is. It comes either from the sparse OCI layout the run-kind extend left in {@code <extended>}
 * on this host (the phase commands: the blobs are uploaded from its files) or from blobs the run
 * role of the pipeline already pushed to a repository (the export worker: the blobs are mounted,
 * or found in place when that repository is the target's). Either way the app image is the same.
 * Immutable.
 */
public sealed interface ExtendedRunImage permits ExtendedRunImage.Sparse, ExtendedRunImage.Stored {

  /** The extended image's config: the run image's, changed by the Dockerfiles. */
  ImageConfig config();

  /**
   * The extension layers, bottom first, with ids {@code extension:<n>}, checked to sit on {@code
   * base}. Descriptors are as the extend wrote them (the assembler makes them OCI layers).
   *
   * @throws LifecycleException with {@link FailureCode#EXPORT_ERROR} when the extended image is
   *     not built on {@code base}
   */
  List<AppLayer> layersOn(Image base);

  /** The run-kind extend's sparse layout, read from {@code <extended>/run}. */
  static ExtendedRunImage fromSparse(SparseLayout layout) {
    return new Sparse(layout);
  }

  /**
   * An extended image whose config is {@code config} and whose extension layer blobs are in
   * {@code repository} (the pipeline's {@code run.ready} event).
   */
  static ExtendedRunImage published(ImageConfig config, List<Layer> layers, ImageRef repository) {
    return new Stored(config, layers, repository);
  }

  /** One extension layer blob as pushed: its descriptor and the digest of its uncompressed tar. */
  record Layer(Descriptor descriptor, Digest diffId) {
    public Layer {
      Objects.requireNonNull(descriptor, "descriptor");
      Objects.requireNonNull(diffId, "diffId");
    }
  }

  /** From a sparse layout: its manifest lists the run image's layers, then the extension layers. */
  record Sparse(SparseLayout layout) implements ExtendedRunImage {
    public Sparse {
      Objects.requireNonNull(layout, "layout");
    }

    @Override
    public ImageConfig config() {
      return layout.config();
    }

    @Override
    public List<AppLayer> layersOn(Image base) {
      checkSitsOn(layout, base);
      List<Descriptor> layers = layout.manifest().layers();
      int first = base.manifest().layers().size();
      List<AppLayer> out = new ArrayList<>();
      for (int i = first; i < layers.size(); i++) {
        Descriptor d = layers.get(i);
        out.add(new AppLayer("extension:" + (i - first), d, layout.config().diffIds().get(i),
            new AppLayer.LocalFile(layout.blobPath(d.digest()))));
      }
      return List.copyOf(out);
    }

    /** Fails unless the layout's manifest starts with every layer of {@code base}, in order. */
    static SparseLayout checkSitsOn(SparseLayout sparse, Image base) {
      List<Descriptor> extended = sparse.manifest().layers();
      List<Descriptor> original = base.manifest().layers();
      boolean sitsOnBase = extended.size() >= original.size();
      for (int i = 0; sitsOnBase && i < original.size(); i++) {
        sitsOnBase = extended.get(i).digest().equals(original.get(i).digest());
      }
      if (!sitsOnBase) {
        throw new LifecycleException(FailureCode.EXPORT_ERROR, "extended run image " + sparse.dir()
            + " is not built on the run image " + base.pinnedRef());
      }
      return sparse;
    }
  }

  /**
   * From blobs in {@code repository}: the config's diffIDs are the run image's, then one per layer
   * of {@code layers}.
   */
  record Stored(ImageConfig config, List<Layer> layers, ImageRef repository) implements ExtendedRunImage {
    public Stored {
      Objects.requireNonNull(config, "config");
      layers = List.copyOf(layers);
      Objects.requireNonNull(repository, "repository");
    }

    @Override
    public List<AppLayer> layersOn(Image base) {
      List<Digest> diffIds = config.diffIds();
      List<Digest> baseDiffIds = base.config().diffIds();
      if (diffIds.size() != baseDiffIds.size() + layers.size()
          || !diffIds.subList(0, baseDiffIds.size()).equals(baseDiffIds)) {
        throw new LifecycleException(FailureCode.EXPORT_ERROR, "the extended run image config in " + repository
            + " (" + diffIds.size() + " layers) is not the run image " + base.pinnedRef() + " ("
            + baseDiffIds.size() + " layers) plus its " + layers.size() + " extension layer(s)");
      }
      List<AppLayer> out = new ArrayList<>();
      for (int i = 0; i < layers.size(); i++) {
        Layer layer = layers.get(i);
        if (!layer.diffId().equals(diffIds.get(baseDiffIds.size() + i))) {
          throw new LifecycleException(FailureCode.EXPORT_ERROR, "extension layer " + i + " ("
              + layer.descriptor().digest() + ") has diffID " + layer.diffId() + " but the extended run image"
              + " config in " + repository + " lists " + diffIds.get(baseDiffIds.size() + i));
        }
        out.add(new AppLayer("extension:" + i, layer.descriptor(), layer.diffId(), new AppLayer.Stored(repository)));
      }
      return List.copyOf(out);
    }
  }
}
