package dev.cnbfarm.extend;

import dev.cnbfarm.engine.build.BuildSettings;
import dev.cnbfarm.engine.builder.BuilderTree;
import dev.cnbfarm.engine.export.ExporterPhase;
import dev.cnbfarm.engine.extend.ExtendInputs;
import dev.cnbfarm.engine.extend.ExtendSettings;
import dev.cnbfarm.engine.extend.ExtendWorkspace;
import dev.cnbfarm.engine.extend.ExtenderPhase;
import dev.cnbfarm.engine.restore.RestoreInputs;
import dev.cnbfarm.engine.restore.RestorerPhase;
import dev.cnbfarm.image.blob.TreeBlobs;
import dev.cnbfarm.image.cache.BuildCache;
import dev.cnbfarm.image.cache.CacheExport;
import dev.cnbfarm.image.cache.ImageCache;
import dev.cnbfarm.image.cache.VolumeCache;
import dev.cnbfarm.image.export.BuildPublisher;
import dev.cnbfarm.image.export.PreviousImage;
import dev.cnbfarm.image.export.PublishRequest;
import dev.cnbfarm.image.export.PublishedBuild;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.extend.ExtendKind;
import dev.cnbfarm.lifecycle.failure.CnbfarmException;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.report.Reporter;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.handler.HandlerContext;
import dev.cnbfarm.runtime.handler.HandlerResult;
import dev.cnbfarm.runtime.handler.PhaseHandler;
import dev.cnbfarm.schemas.BuildDetected;
import dev.cnbfarm.schemas.BuildSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The extend worker's build role (design.md §2, §6: {@code detected → built}): lays out the
 * build's {@code <app>}, {@code <layers>} and {@code <platform>} from the detected event and the
 * image store, applies the build.Dockerfiles to the pinned builder image as root in the sandbox,
 * restores the previous image's layer metadata and the build cache into {@code <layers>} (the
 * restorer), runs the build on the extended image as the builder's CNB user (the engine's {@code
 * extender -kind build}), then publishes the build's launch layers, app, launcher and config layer
 * to the app image's repository (reusing the previous image's layers), writes the build cache, and
 * emits one {@code BuildBuilt}. The work dir is deleted whatever
 * happens. Failures keep their codes (51, 52 build; 102 extend; 62 publish) and are thrown for the
 * loop to turn into {@code BuildFailed}. Handling one event twice gives equal events: the blobs
 * are content-addressed and the published layers reproducible; only {@code runsExecuted} counts
 * work, so it is lower when the layer cache served the RUN steps. Stateless apart from its ports;
 * one event at a time per instance is enough (concurrency comes from partitions).
 */
public final class BuildRoleHandler implements PhaseHandler<BuildDetected> {
  /** The phase name in logs, metrics and failure events. */
  public static final String PHASE = "extend-build";

  private final ImageStore store;
  private final ExtendWorkspace workspace;
  private final Path workRoot;
  private final Path builderCache;
  private final ExtendSettings extendSettings;
  private final BuildSettings buildSettings;

  /**
   * @param workRoot where each build's work dir is made (and deleted after it)
   * @param builderCache where builders' {@code /cnb} trees are extracted, once per builder digest
   */
  public BuildRoleHandler(ImageStore store, ExtendWorkspace workspace, Path workRoot, Path builderCache,
      ExtendSettings extendSettings, BuildSettings buildSettings) {
    this.store = Objects.requireNonNull(store, "store");
    this.workspace = Objects.requireNonNull(workspace, "workspace");
    this.workRoot = Objects.requireNonNull(workRoot, "workRoot");
    this.builderCache = Objects.requireNonNull(builderCache, "builderCache");
    this.extendSettings = Objects.requireNonNull(extendSettings, "extendSettings");
    this.buildSettings = Objects.requireNonNull(buildSettings, "buildSettings");
  }

  @Override
  public String phase() {
    return PHASE;
  }

  @Override
  public Class<BuildDetected> input() {
    return BuildDetected.class;
  }

  @Override
  public HandlerResult handle(BuildDetected event, HandlerContext context) {
    BuildSpec spec = event.getSpec();
    ImageRef sources = ExtendEvents.ref("spec.sourceRepository", spec.getSourceRepository());
    ImageRef target = ExtendEvents.targetRepository(event);
    ImageRef builder = ExtendEvents.ref("builderImage", event.getBuilderImage());
    Group group = ExtendEvents.group(event);
    Reporter log = context.log();
    try (WorkDir work = WorkDir.create(workRoot, "build-")) {
      try {
        TreeBlobs trees = new TreeBlobs(store, work.scratch());
        trees.pull(sources, ExtendEvents.digest("spec.sourceDigest", spec.getSourceDigest()), work.app());
        // the build writes into <app> as the CNB user (platform.md "builder": <app> is writable)
        WorkDir.chown(work.app(), event.getBuildUid(), event.getBuildGid());
        work.writeGroup(group);
        work.writePlan(event.getPlanToml());
        work.writeAnalyzed(event.getAnalyzedToml(), event.getBuilderImage(), event.getRunImage().getReference());
        work.writeEnv(spec.getEnv());
        if (event.getGeneratedDigest() != null) {
          trees.pull(sources, ExtendEvents.digest("generatedDigest", event.getGeneratedDigest()),
              work.files().generatedDir());
        }
        BuilderTree tree = builderTree(builder);
        restore(spec, event, work, log);
        ExtenderPhase.Outcome outcome = new ExtenderPhase(store, workspace, work.files(), log, context.clock(),
            extendSettings, buildSettings).run(inputs(event, work, tree));
        context.meter().layerCache(outcome.cacheHits(), outcome.runsExecuted());
        // the launcher exactly as the exporter command chooses it: the builder's, else cnbfarm's own
        PreviousImage previous = PreviousImage.read(store, work.files().readAnalyzed(), log);
        PublishedBuild published = new BuildPublisher(store, log).publish(new PublishRequest(work.layers(),
            work.app(), tree.launcher(), work.layers().resolve("project-metadata.toml"), group.buildpacks(),
            ExporterPhase.BUILDER_LAUNCHER, target, event.getBuildUid(), event.getBuildGid(), previous));
        log.info("Published " + published.layers().size() + " layer(s) to " + target);
        writeCache(spec, event, work, group, published, log);
        return HandlerResult.of(Topic.BUILT, event.getBuildId(),
            ExtendEvents.built(event, published, outcome, context));
      } catch (LifecycleException e) {
        throw work.withPlaceholders(e);
      }
    }
  }

  /**
   * The restorer's part before the build ({@link RestorerPhase}): the layer tomls from the previous
   * image's {@code [metadata]} (analyzed.toml, as detect wrote it) and the cache's, and the cached
   * layers' contents when their diffID matches. With {@code clearCache} the cache is not read (pack
   * {@code --clear-cache}): only the previous image's launch layers that are not cached keep their
   * metadata, and the buildpacks remake the rest.
   */
  private void restore(BuildSpec spec, BuildDetected event, WorkDir work, Reporter log) {
    Optional<BuildCache> cache = Optional.empty();
    if (spec.getClearCache()) {
      log.info("Clearing the build cache: nothing is restored from it");
    } else {
      cache = openCache(spec, FailureCode.RESTORE_ERROR);
    }
    new RestorerPhase(store, work.files(), log).run(new RestoreInputs(ExtendEvents.platformApi(event), work.layers(),
        false, Optional.empty(), OptionalInt.of(event.getBuildUid()), OptionalInt.of(event.getBuildGid())), cache);
  }

  /**
   * The exporter's cache step on the build side ({@link CacheExport}): the {@code cache = true}
   * layers into the cache's next generation. As the reference, a cache that cannot be written is a
   * warning: the image stands.
   */
  private void writeCache(BuildSpec spec, BuildDetected event, WorkDir work, Group group, PublishedBuild published,
      Reporter log) {
    try {
      Optional<BuildCache> cache = openCache(spec, FailureCode.EXPORT_ERROR);
      if (cache.isPresent()) {
        new CacheExport(log).write(cache.get(), work.layers(), group.buildpacks(), event.getBuildUid(),
            event.getBuildGid(), published);
      }
    } catch (CnbfarmException | UncheckedIOException | IllegalStateException e) {
      log.warn("Failed to export cache: " + e.getMessage());
    }
  }

  /** The request's cache: an image ({@code cacheImage}), a dir on this host ({@code cacheDir}, made when missing), or none. */
  private Optional<BuildCache> openCache(BuildSpec spec, FailureCode code) {
    if (spec.getCacheImage() != null) {
      return Optional.of(ImageCache.open(store, ExtendEvents.ref("spec.cacheImage", spec.getCacheImage())));
    }
    if (spec.getCacheDir() != null) {
      Path dir = Path.of(spec.getCacheDir());
      if (!dir.isAbsolute()) {
        throw new LifecycleException(FailureCode.INVALID_INPUT, "spec.cacheDir '" + dir + "' is not an absolute path");
      }
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new LifecycleException(code, "cannot create the cache dir " + dir + ": " + e.getMessage(), e);
      }
      return Optional.of(VolumeCache.open(dir, code));
    }
    return Optional.empty();
  }

  /** The pinned builder's {@code /cnb} on this host: its buildpacks, extensions and launcher. */
  private BuilderTree builderTree(ImageRef builder) {
    Image image = store.read(builder);
    return BuilderTree.of(workspace.loader(store).load(image), image.manifestDigest(), builderCache);
  }

  private static ExtendInputs inputs(BuildDetected event, WorkDir work, BuilderTree tree) {
    // The detect worker ran generate, so the Dockerfiles are wanted: below Platform API 0.13 the
    // experimental gate only warns.
    return new ExtendInputs(ExtendEvents.platformApi(event), ExtendKind.BUILD, work.app(), work.layers(),
        work.platform(), tree.buildpacks(), tree.extensions(), work.buildConfig(),
        Optional.of(event.getBuilderImage()), OptionalInt.of(event.getBuildUid()), OptionalInt.of(event.getBuildGid()),
        "warn");
  }
}
