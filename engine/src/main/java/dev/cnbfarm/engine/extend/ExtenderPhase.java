package dev.cnbfarm.engine.extend;

import dev.cnbfarm.image.dockerfile.ApplyRequest;
import dev.cnbfarm.image.dockerfile.ApplyResult;
import dev.cnbfarm.image.dockerfile.DockerfileApplier;
import dev.cnbfarm.image.dockerfile.ImageState;
import dev.cnbfarm.image.dockerfile.SparseLayout;
import dev.cnbfarm.image.dockerfile.SparseLayoutWriter;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.InvalidImageRefException;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.ImageStoreException;
import dev.cnbfarm.lifecycle.dockerfile.DockerfileParser;
import dev.cnbfarm.lifecycle.dockerfile.FromSpec;
import dev.cnbfarm.lifecycle.extend.BuildArgs;
import dev.cnbfarm.lifecycle.extend.DockerfileStep;
import dev.cnbfarm.lifecycle.extend.ExtendKind;
import dev.cnbfarm.lifecycle.extend.ExtendPlan;
import dev.cnbfarm.lifecycle.extend.ImageUser;
import dev.cnbfarm.lifecycle.extend.RunImageRules;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.engine.ExperimentalGate;
import dev.cnbfarm.lifecycle.phase.GoDuration;
import dev.cnbfarm.lifecycle.phase.PhaseInputs;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
  private final PhaseInputs in;
  private final ImageStore store;
  private final ExtendWorkspace workspace;
  private final Reporter reporter;
  private final Clock clock;
  private final Duration stepTimeLimit;

  public ExtenderPhase(PhaseInputs in, ImageStore store, ExtendWorkspace workspace, Reporter reporter, Clock clock,
      Duration stepTimeLimit) {
    this.in = in;
    this.store = store;
    this.workspace = workspace;
    this.reporter = reporter;
    this.clock = clock;
    this.stepTimeLimit = stepTimeLimit;
  }

  /** What the phase did: the extended image and, for the run kind, the sparse layout written. */
  public record Outcome(ExtendKind kind, ImageState image, Image base, int dockerfiles, int runsExecuted,
      int cacheHits, Optional<SparseLayout> layout) {}

  public Outcome run() {
    in.requireApi("kind", "0.12");
    in.requireApi("extended", "0.12");
    ExtendKind kind = ExtendKind.parse(in.value("kind", "CNB_EXTEND_KIND", "build"));
    Path app = in.path("app", "CNB_APP_DIR", "/workspace");
    Analyzed analyzed = Analyzed.read(in.layersPath("analyzed", "CNB_ANALYZED_PATH", "analyzed.toml"));
    Group group = Group.read(in.layersPath("group", "CNB_GROUP_PATH", "group.toml"));
    Path generated = in.layersPath("generated", "CNB_GENERATED_DIR", "generated");
    List<DockerfileStep> steps = ExtendPlan.collect(in.platformApi(), generated, group, kind, app);
    if (!steps.isEmpty()) {
      ExperimentalGate.check("Dockerfiles", in.platformApi(), in.env("CNB_EXPERIMENTAL_MODE", ""), reporter);
    }
    ImageRef ref = baseRef(kind, analyzed);
    Image base = read(ref);
    reporter.info("Extending " + kind.label() + " image " + ref + " (" + base.manifestDigest() + ") with "
        + steps.size() + " Dockerfile(s)");
    ImageState original = workspace.loader(store).load(base);
    Chain chain = new Chain(kind, ref, original, ref.withDigest(base.manifestDigest()).toString(), applier());
    steps.forEach(chain::apply);
    reporter.info("Applied " + steps.size() + " Dockerfile(s): " + chain.runs + " RUN step(s) executed, "
        + chain.hits + " step(s) from cache");
    if (kind == ExtendKind.BUILD) {
      new BuildAfterExtend(in, workspace, reporter, stepTimeLimit).run(original, chain.state, group, analyzed);
      return chain.outcome(base, steps.size(), Optional.empty());
    }
    if (steps.isEmpty()) {
      reporter.info("No run.Dockerfile to apply; nothing written to <extended>");
      return chain.outcome(base, 0, Optional.empty());
    }
    return chain.outcome(base, steps.size(), Optional.of(writeRunImage(chain, base, steps)));
  }

  private DockerfileApplier applier() {
    Duration ttl = GoDuration.parse(in.value("kaniko-cache-ttl", "CNB_KANIKO_CACHE_TTL", "336h"));
    Optional<ImageRef> shared = Optional.of(in.env("CNBFARM_LAYER_CACHE_REPO", "")).filter(v -> !v.isEmpty())
        .map(ImageRef::parse);
    return workspace.applier(workspace.layerCache(store, shared, ttl, clock), reporter, stepTimeLimit);
  }

  /** The run kind's end (extensions.md §6.5): rebasable label, no root user, the sparse layout. */
  private SparseLayout writeRunImage(Chain chain, Image base, List<DockerfileStep> steps) {
    Map<String, String> labels = new LinkedHashMap<>(chain.state.config().labels());
    labels.put(RunImageRules.REBASABLE, Boolean.toString(chain.rebasable));
    ImageState state = chain.state.withConfig(chain.state.config().withLabels(labels));
    RunImageRules.requireNonRootFinalUser(userOf(state), steps.get(steps.size() - 1).extensionId());
    Path extended = in.layersPath("extended", "CNB_EXTENDED_DIR", "extended");
    SparseLayout layout = new SparseLayoutWriter().write(extended, base, state, chain.layerOwners);
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

    Outcome outcome(Image base, int dockerfiles, Optional<SparseLayout> layout) {
      return new Outcome(kind, state, base, dockerfiles, runs, hits, layout);
    }
  }

  /** build: {@code [build-image] reference} (or {@code -build-image}); run: the run image's reference or name. */
  private ImageRef baseRef(ExtendKind kind, Analyzed analyzed) {
    String text = kind == ExtendKind.BUILD
        ? in.value("build-image", "CNB_BUILD_IMAGE", analyzed.buildImageReference().orElse(""))
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
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.EXTEND_ERROR, step.dockerfile() + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** What {@code base_image} names for a later Dockerfile: the intermediate image, by its config digest. */
  private static String intermediateRef(ImageRef ref, ImageState state) {
    return ref.withoutDigest() + "@" + Digest.of(state.config().toJson());
  }
}
