package dev.cnbfarm.detect;

import dev.cnbfarm.engine.analyze.PreviousAppImage;
import dev.cnbfarm.engine.builder.BuilderTree;
import dev.cnbfarm.engine.detect.DetectInputs;
import dev.cnbfarm.engine.detect.DetectResult;
import dev.cnbfarm.engine.detect.DetectSettings;
import dev.cnbfarm.engine.detect.DetectorPhase;
import dev.cnbfarm.engine.detect.GeneratedDockerfile;
import dev.cnbfarm.engine.extend.ExtendWorkspace;
import dev.cnbfarm.image.blob.TreeBlobs;
import dev.cnbfarm.image.builder.BuilderImage;
import dev.cnbfarm.image.dockerfile.ImageState;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageNotFoundException;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.detect.DetectOutcome;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.lifecycle.generate.GenerateResult;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.handler.HandlerContext;
import dev.cnbfarm.runtime.handler.HandlerResult;
import dev.cnbfarm.runtime.handler.PhaseHandler;
import dev.cnbfarm.schemas.BuildRequested;
import dev.cnbfarm.schemas.BuildSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * requested → detected (design.md §2, §6): analyze, detect and generate from the builder image.
 * The builder is read from the store pinned by digest and its layers loaded into the rootfs cache;
 * its {@code /cnb} (buildpacks, extensions, order.toml, run.toml) is extracted once per digest
 * ({@link BuilderTree}); the app source blob is pulled into a per-build work dir, the platform env
 * written from the request, analyzed.toml written as the analyzer would; then {@link DetectorPhase}
 * runs every {@code /bin/detect} and {@code /bin/generate} in the sandbox over the builder's
 * rootfs as its CNB user ({@link BuilderSandbox}), never on this machine's files. The {@code
 * <generated>} tree goes to the image store as a blob; everything else the later phases need is
 * inline in the one {@code BuildDetected} event. No group passing is a {@link LifecycleException}
 * with {@code DETECT_FAILED}/{@code DETECT_ERRORED} (category OUTCOME), which the loop turns into
 * the failed event with the log excerpt. Idempotent: blobs are content-addressed and the event id
 * is derived, so the same input gives equal outputs. Thread-safe: every call has its own work dir.
 */
public final class DetectHandler implements PhaseHandler<BuildRequested> {
  /** The phase name in logs, metrics and failure events. */
  public static final String PHASE = "detect";

  /**
   * The {@code CNB_EXPERIMENTAL_MODE} detect runs with: cnbfarm is a platform that supports image
   * extensions, so before Platform API 0.13 it opts in (with the reference's warning), as pack does.
   */
  static final String EXPERIMENTAL_MODE = "warn";

  private final ImageStore store;
  private final ExtendWorkspace workspace;
  private final Path workRoot;
  private final DetectSettings settings;

  /**
   * Sweeps the per-build dirs a killed predecessor left (design.md §8: stale scratch dirs are swept
   * at start), so the work root must belong to this process.
   *
   * @param workRoot this process's dir for per-build dirs ({@code builds/}, swept now) and the
   *     extracted builder trees ({@code builders/}, kept: one per builder digest)
   */
  public DetectHandler(ImageStore store, ExtendWorkspace workspace, Path workRoot, DetectSettings settings) {
    this.store = store;
    this.workspace = workspace;
    this.workRoot = workRoot.toAbsolutePath().normalize();
    this.settings = settings;
    FileTrees.deleteQuietly(this.workRoot.resolve("builds"));
  }

  @Override
  public String phase() {
    return PHASE;
  }

  @Override
  public Class<BuildRequested> input() {
    return BuildRequested.class;
  }

  @Override
  public HandlerResult handle(BuildRequested event, HandlerContext context) {
    BuildSpec spec = event.getSpec();
    ApiVersion platformApi = platformApi(spec.getPlatformApi());
    Image builderImage = store.read(Analysis.parse(spec.getBuilderImage(), "builder image"));
    BuilderImage.of(builderImage);
    ImageRef builderRef = builderImage.pinnedRef();
    ImageState builder = workspace.loader(store).load(builderImage);
    BuilderTree tree = BuilderTree.of(builder, builderImage.manifestDigest(), workRoot.resolve("builders"));
    ImageRef repository = Analysis.parse(spec.getSourceRepository(), "source repository");
    try (BuildWorkDir dir = BuildWorkDir.create(workRoot.resolve("builds"))) {
      TreeBlobs blobs = new TreeBlobs(store, dir.blobs());
      pullSource(blobs, repository, spec.getSourceDigest(), dir.app());
      PlatformEnv.write(dir.platform(), spec.getEnv());
      Optional<PreviousAppImage> previous = Optional.ofNullable(spec.getPreviousImage())
          .flatMap(name -> PreviousAppImage.find(store, Analysis.parse(name, "previous image"), context.log()));
      Analysis.RunImage run = Analysis.write(store, Optional.ofNullable(spec.getRunImage()), tree.runToml(), builderRef,
          previous, dir.analyzed());
      builder.stack().readText("/etc/os-release").ifPresent(text -> write(dir.osRelease(), text));
      DetectInputs inputs = new DetectInputs(platformApi, dir.app(), tree.buildpacks(), tree.extensions(), tree.order(),
          dir.platform(), dir.buildConfig(), tree.runToml(), EXPERIMENTAL_MODE,
          BuilderSandbox.environment(builder, tree.uid()), tree.cnb().resolve("system.toml"));
      DetectResult result = new DetectorPhase(BuilderSandbox.of(workspace.scratch(), builder, tree, dir), dir.files(),
          context.log(), settings).run(inputs, dir.planScratch(), dir.osRelease());
      if (result.outcome() instanceof DetectOutcome.NotDetected no) {
        throw new LifecycleException(no.code(), no.code() == FailureCode.DETECT_ERRORED
            ? "No buildpack groups passed detection: buildpack(s) failed with an error"
            : "No buildpack groups passed detection: no buildpacks participating");
      }
      DetectedEvents.Detected detected = new DetectedEvents.Detected(builderRef.toString(), result.group().orElseThrow(),
          read(dir.plan()), read(dir.analyzed()), Files.exists(tree.runToml()) ? read(tree.runToml()) : "",
          dockerfiles(blobs, result, dir.app()), runChoice(result, run, dir.analyzed()), tree.uid(), tree.gid(),
          result.generate().isPresent() ? blobs.push(repository, dir.generated()).digest().toString() : null);
      return HandlerResult.of(Topic.DETECTED, event.getBuildId(),
          DetectedEvents.of(event, detected, context.producer(), context.clock().instant()));
    }
  }

  private static ApiVersion platformApi(String text) {
    try {
      return ApiVersion.parse(text);
    } catch (RuntimeException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "bad platform API '" + text + "' in the request: "
          + e.getMessage(), e);
    }
  }

  private static void pullSource(TreeBlobs blobs, ImageRef repository, String digest, Path app) {
    Digest source;
    try {
      source = Digest.parse(digest);
    } catch (RuntimeException e) {
      throw new LifecycleException(FailureCode.INVALID_INPUT, "bad source digest '" + digest + "': " + e.getMessage(), e);
    }
    try {
      blobs.pull(repository, source, app);
    } catch (ImageNotFoundException e) {
      throw new LifecycleException(FailureCode.INVALID_INPUT, "the app source " + source + " is not in "
          + repository + " (" + e.getMessage() + ")", e);
    }
  }

  /** Every Dockerfile generate left, in order; a context other than the app dir is named by its diffID. */
  private static List<DetectedEvents.Dockerfile> dockerfiles(TreeBlobs blobs, DetectResult result, Path app) {
    List<DetectedEvents.Dockerfile> out = new ArrayList<>();
    for (GeneratedDockerfile d : result.dockerfiles()) {
      boolean isApp = d.context().toAbsolutePath().normalize().equals(app.toAbsolutePath().normalize());
      out.add(new DetectedEvents.Dockerfile(d, isApp ? null : blobs.diffIdOf(d.context()).toString()));
    }
    return out;
  }

  /** The run image after generate: a switched one is resolved through the store to its digest. */
  private DetectedEvents.RunChoice runChoice(DetectResult result, Analysis.RunImage run, Path analyzed) {
    boolean extended = Analyzed.read(analyzed).runImageExtend();
    Optional<String> switched = result.generate().map(GenerateResult::runImage).flatMap(c -> c.switchTo());
    if (switched.isPresent()) {
      String name = switched.get();
      ImageRef pinned = store.read(Analysis.parse(name, "switched run image")).pinnedRef();
      return new DetectedEvents.RunChoice(pinned.toString(), name, true, extended);
    }
    return new DetectedEvents.RunChoice(run.pinned().toString(), run.name(), false, extended);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
