package dev.cnbfarm.engine.extend;

import dev.cnbfarm.image.dockerfile.ApplyRequest;
import dev.cnbfarm.image.dockerfile.ApplyResult;
import dev.cnbfarm.image.dockerfile.DockerfileApplier;
import dev.cnbfarm.image.dockerfile.ImageState;
import dev.cnbfarm.image.dockerfile.SparseLayout;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.InvalidImageRefException;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.ImageStoreException;
import dev.cnbfarm.lifecycle.dockerfile.DockerfileParser;
import dev.cnbfarm.lifecycle.dockerfile.FromSpec;
import dev.cnbfarm.lifecycle.dockerfile.InvalidDockerfileException;
import dev.cnbfarm.lifecycle.extend.BuildArgs;
import dev.cnbfarm.lifecycle.extend.DockerfileStep;
import dev.cnbfarm.lifecycle.extend.ExtendKind;
import dev.cnbfarm.lifecycle.extend.ImageUser;
import dev.cnbfarm.lifecycle.extend.RunImageRules;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.engine.ExperimentalGate;
import dev.cnbfarm.engine.PlatformFiles;
import dev.cnbfarm.engine.build.BuildSettings;
import dev.cnbfarm.image.dockerfile.StateLayer;
import dev.cnbfarm.lifecycle.build.BuildResult;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The extender phase (platform.md "extender"; extensions.md §6): applies the extensions'
 * Dockerfiles of one kind, in group order, to the build image ({@code -kind build}, then the build
 * runs on the extended image) or to the run image ({@code -kind run}, written to
 * {@code <extended>/run/<digest>} as a sparse OCI layout). Without kaniko: the image store, the
 * rootfs cache and the namespace sandbox do the work. Not thread-safe; one per run.
 */
public final class ExtenderPhase {
  private final ImageStore store;
  private final ExtendWorkspace workspace;
  private final PlatformFiles files;
  private final Reporter reporter;
  private final Clock clock;
  private final ExtendSettings settings;
  private final BuildSettings build;

  /** The build kind's {@code /bin/build} runs are limited by {@code settings}' step timeout. */
  public ExtenderPhase(ImageStore store, ExtendWorkspace workspace, PlatformFiles files, Reporter reporter,
      Clock clock, ExtendSettings settings) {
    this(store, workspace, files, reporter, clock, settings, new BuildSettings(settings.stepTimeout()));
  }

  /**
   * As the other constructor, with the build kind's own limit of one {@code /bin/build} ({@code
   * CNBFARM_BUILD_TIMEOUT}: the extend worker's build role runs the build the builder phase would).
   */
  public ExtenderPhase(ImageStore store, ExtendWorkspace workspace, PlatformFiles files, Reporter reporter,
      Clock clock, ExtendSettings settings, BuildSettings build) {
    this.store = store;
    this.workspace = workspace;
    this.files = files;
    this.reporter = reporter;
    this.clock = clock;
    this.settings = settings;
    this.build = build;
  }

  /**
   * What the phase did: the extended image (its config and layers), the layers the Dockerfiles added
   * (each with its compressed blob), the base it started from, for the run kind the sparse layout
   * written to {@code <extended>}, and for the build kind the build's result.
   */
  public record Outcome(ExtendKind kind, ImageState image, Image base, int dockerfiles, int runsExecuted,
      int cacheHits, Optional<SparseLayout> layout, List<StateLayer> newLayers, Optional<BuildResult> build) {
    public Outcome {
      newLayers = List.copyOf(newLayers);
    }

    /** The new layers as OCI descriptors (gzip blobs; each blob's file is in the workspace's blobs). */
    public List<Descriptor> newLayerDescriptors() {
      return newLayers.stream().map(l -> l.blob().orElseThrow())
          .map(b -> Descriptor.of(MediaTypes.OCI_LAYER_GZIP, b.digest(), b.size())).toList();
    }
  }

  public Outcome run(ExtendInputs in) {
    ExtendKind kind = in.kind();
    Analyzed analyzed = files.readAnalyzed();
    Group group = files.readGroup();
    List<DockerfileStep> steps = files.dockerfiles(in.platformApi(), group, kind, in.app());
    if (!steps.isEmpty()) {
      ExperimentalGate.check("Dockerfiles", in.platformApi(), in.experimentalMode(), reporter);
    }
    ImageRef ref = baseRef(in, analyzed);
    Image base = read(ref);
    reporter.info("Extending " + kind.label() + " image " + ref + " (" + base.manifestDigest() + ") with "
        + steps.size() + " Dockerfile(s)");
    ImageState original = workspace.loader(store).load(base);
    Chain chain = new Chain(kind, ref, original, ref.withDigest(base.manifestDigest()).toString(), applier());
    steps.forEach(chain::apply);
    reporter.info("Applied " + steps.size() + " Dockerfile(s): " + chain.runs + " RUN step(s) executed, "
        + chain.hits + " step(s) from cache");
    if (kind == ExtendKind.BUILD) {
      BuildResult result = new BuildAfterExtend(in, workspace, files, reporter, build.timeout())
          .run(original, chain.state, group, analyzed);
      return chain.outcome(base, original, steps.size(), Optional.empty(), Optional.of(result));
    }
    if (steps.isEmpty()) {
      reporter.info("No run.Dockerfile to apply; nothing written to <extended>");
      return chain.outcome(base, original, 0, Optional.empty(), Optional.empty());
    }
    return chain.outcome(base, original, steps.size(), Optional.of(writeRunImage(chain, base, steps)),
        Optional.empty());
  }

  private DockerfileApplier applier() {
    return workspace.applier(workspace.layerCache(store, settings.sharedLayerCache(), settings.layerCacheTtl(), clock),
        reporter, settings.stepTimeout());
  }

  /** The run kind's end (extensions.md §6.5): rebasable label, no root user, the sparse layout. */
  private SparseLayout writeRunImage(Chain chain, Image base, List<DockerfileStep> steps) {
    Map<String, String> labels = new LinkedHashMap<>(chain.state.config().labels());
    labels.put(RunImageRules.REBASABLE, Boolean.toString(chain.rebasable));
    ImageState state = chain.state.withConfig(chain.state.config().withLabels(labels));
    RunImageRules.requireNonRootFinalUser(userOf(state), steps.get(steps.size() - 1).extensionId());
    SparseLayout layout = files.writeExtendedRun(base, state, chain.layerOwners);
    reporter.info("Extended run image written to " + layout.dir() + " (rebasable: " + chain.rebasable + ")");
    return layout;
  }

  private static ImageUser userOf(ImageState image) {
    return ImageUser.resolve(image.config().user().orElse(""), image.stack()::readText);
  }

  /** The Dockerfiles applied one after the other, each result the next one's base. Not thread-safe. */
  private final class Chain {
    final ExtendKind kind;
    final ImageRef ref;
    final DockerfileApplier applier;
    final List<String> layerOwners = new ArrayList<>();
    ImageState state;
    String baseImageArg;
    boolean rebasable = true;
    int runs;
    int hits;

    Chain(ExtendKind kind, ImageRef ref, ImageState original, String baseImageArg, DockerfileApplier applier) {
      this.kind = kind;
      this.ref = ref;
      this.state = original;
      this.baseImageArg = baseImageArg;
      this.applier = applier;
    }

    void apply(DockerfileStep step) {
      ImageState start = kind == ExtendKind.RUN && !switches(step)
          ? state.withConfig(state.config().withLabels(RunImageRules.labelsBeforeDockerfile(state.config().labels())))
          : state;
      Map<String, String> args = BuildArgs.of(UUID.randomUUID().toString(), userOf(start), step.extensionArgs(),
          baseImageArg);
      ApplyResult r = applier.apply(new ApplyRequest(start, step.dockerfile(), args, step.context(), step.extensionId()));
      state = r.image();
      r.newLayers().forEach(l -> layerOwners.add(step.extensionId()));
      runs += r.runsExecuted();
      hits += r.cacheHits();
      rebasable &= RunImageRules.rebasable(state.config().labels());
      baseImageArg = intermediateRef(ref, state);
      if (userOf(state).isRoot()) {
        reporter.warn("the user is root after the " + kind.label() + ".Dockerfile of " + step.extensionId()
            + (kind == ExtendKind.RUN ? "; a later extension must reset it" : "; the build still runs as the CNB user"));
      }
    }

    Outcome outcome(Image base, ImageState original, int dockerfiles, Optional<SparseLayout> layout,
        Optional<BuildResult> build) {
      return new Outcome(kind, state, base, dockerfiles, runs, hits, layout, state.layersAbove(original), build);
    }
  }

  /** build: {@code [build-image] reference} (or {@code -build-image}); run: the run image's reference or name. */
  private static ImageRef baseRef(ExtendInputs in, Analyzed analyzed) {
    ExtendKind kind = in.kind();
    String text = kind == ExtendKind.BUILD
        ? in.buildImage().or(analyzed::buildImageReference).orElse("")
        : analyzed.runImageReference().or(analyzed::runImageName).orElse("");
    if (text.isEmpty()) {
      throw new LifecycleException(FailureCode.EXTEND_ERROR, kind == ExtendKind.BUILD
          ? "no build image: analyzed.toml has no [build-image] reference (pass -build-image <ref>)"
          : "no run image: analyzed.toml has no [run-image] reference or image");
    }
    try {
      return ImageRef.parse(text);
    } catch (InvalidImageRefException e) {
      throw new LifecycleException(FailureCode.EXTEND_ERROR, "invalid image reference '" + text + "': " + e.getMessage());
    }
  }

  /** A failure keeps exit code 102 and the store's category: a 503 stays retryable, a 401 or 404 is the user's. */
  private Image read(ImageRef ref) {
    try {
      return store.read(ref);
    } catch (ImageStoreException e) {
      throw new LifecycleException(FailureCode.EXTEND_ERROR, e.category(), "cannot read " + ref + ": " + e.getMessage(), e);
    }
  }

  /**
   * A run.Dockerfile whose FROM is not {@code ${base_image}} switched the run image: the image it
   * starts from is the new image itself, so its own rebasable label stands (the reset of
   * decisions.md #3 applies to Dockerfiles that extend {@code ${base_image}}).
   */
  private static boolean switches(DockerfileStep step) {
    try {
      var df = DockerfileParser.parse(Files.readString(step.dockerfile()), step.dockerfile().toString());
      String from = FromSpec.parse(df, df.stages().get(0).from()).image();
      return !from.equals("${base_image}") && !from.equals("$base_image");
    } catch (InvalidDockerfileException e) {
      throw new LifecycleException(FailureCode.EXTEND_ERROR, e.getMessage(), e);
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.EXTEND_ERROR, step.dockerfile() + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** What {@code base_image} names for a later Dockerfile: the intermediate image, by its config digest. */
  private static String intermediateRef(ImageRef ref, ImageState state) {
    return ref.withoutDigest() + "@" + Digest.of(state.config().toJson());
  }
}
