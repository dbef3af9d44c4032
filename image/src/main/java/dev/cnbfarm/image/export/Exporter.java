package dev.cnbfarm.image.export;

import dev.cnbfarm.image.dockerfile.SparseLayout;
import dev.cnbfarm.image.dockerfile.SparseLayoutReader;
import dev.cnbfarm.image.layer.NormalisedTime;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.InvalidImageException;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The exporter (design.md §4 "Export is metadata-only", extensions.md §8): the three steps of an
 * export composed. {@link BuildPublisher} tars and pushes the build's layers (one per buildpack
 * launch layer, the app, the launcher and {@code /layers/config}) to the first target's
 * repository; {@link AppImageAssembler} makes the config and manifest from descriptors; {@link
 * AppImagePusher} mounts the run image layers (never downloaded), uploads the extension layers
 * from the sparse layout the run-kind extend left, and pushes the config and manifest to every
 * target. Blobs a repository already has are not sent again. Layer tars, the config ({@code
 * created} and history fixed, labels sorted) and the manifest are reproducible, so the same inputs
 * give the same digest. Stateless apart from its store; thread-safe if the store is.
 */
public final class Exporter {
  /** The app image's {@code created} and new history entries' time: {@link NormalisedTime#IMAGE_CREATED}. */
  public static final String CREATED = NormalisedTime.IMAGE_CREATED;
  public static final String LAUNCHER_PATH = "/cnb/lifecycle/launcher";
  public static final String REBASABLE = "io.buildpacks.rebasable";

  private final ImageStore store;
  private final Reporter reporter;

  public Exporter(ImageStore store, Reporter reporter) {
    this.store = Objects.requireNonNull(store, "store");
    this.reporter = Objects.requireNonNull(reporter, "reporter");
  }

  /**
   * Exports the app image to every target: publish, assemble, push.
   *
   * @throws LifecycleException with {@link FailureCode#EXPORT_ERROR} for bad inputs (no run image
   *     reference, a process type or argument the launcher's process table cannot hold, a launch
   *     layer without its directory, a sparse layout that does not sit on the run image)
   */
  public ExportResult export(ExportRequest req) {
    Base base = base(req);
    PublishedBuild build = new BuildPublisher(store, reporter).publish(PublishRequest.of(req)
        .withPrevious(PreviousImage.read(store, req.analyzed(), reporter)));
    return assembleAndPush(req, base, build);
  }

  /**
   * Exports the app image of a build published before, maybe on another host: reads the run image
   * and, when it was extended, {@code <extended>}, but nothing of {@code <layers>}, {@code <app>}
   * or the launcher. Gives the same image as {@link #export(ExportRequest)} of that build.
   */
  public ExportResult export(ExportRequest req, PublishedBuild build) {
    return assembleAndPush(req, base(req), build);
  }

  /** The run image as read, and the run-kind extend's output if the run image was extended. */
  private record Base(Image image, Optional<ExtendedRunImage> extended) {}

  private Base base(ExportRequest req) {
    // after an extension switched the run image, the detector leaves only its name (decisions.md #4)
    ImageRef runRef = ImageRef.parse(req.analyzed().runImageReference().or(req.analyzed()::runImageName)
        .orElseThrow(() -> new LifecycleException(FailureCode.EXPORT_ERROR,
            "analyzed.toml has no [run-image] reference or image")));
    Image base = store.read(runRef);
    reporter.debug("run image " + base.pinnedRef() + " has " + base.manifest().layers().size() + " layers");
    return new Base(base, req.analyzed().runImageExtend() ? Optional.of(ExtendedRunImage.fromSparse(readSparse(req, base))) : Optional.empty());
  }

  private ExportResult assembleAndPush(ExportRequest req, Base base, PublishedBuild build) {
    AppImage image = AppImageAssembler.assemble(new AssembleRequest(base.image(), base.extended(), build,
        req.analyzed(), req.group(), req.run(), req.platformApi(), CREATED, req.execEnv()));
    return new AppImagePusher(store, reporter).push(image, req.targets());
  }

  /** The sparse layout, checked to sit on the run image and to hold the blob of every extension layer. */
  private static SparseLayout readSparse(ExportRequest req, Image base) {
    SparseLayout sparse;
    try {
      sparse = new SparseLayoutReader().read(req.extendedDir());
    } catch (InvalidImageException e) {
      throw new LifecycleException(FailureCode.EXPORT_ERROR, e.getMessage(), e);
    }
    ExtendedRunImage.Sparse.checkSitsOn(sparse, base);
    List<Descriptor> layers = sparse.manifest().layers();
    for (int i = base.manifest().layers().size(); i < layers.size(); i++) {
      Descriptor d = layers.get(i);
      if (sparse.blob(d.digest()).isEmpty()) {
        throw new LifecycleException(FailureCode.EXPORT_ERROR,
            "extended run image " + sparse.dir() + " lacks the blob of its extension layer " + d.digest());
      }
    }
    return sparse;
  }
}
