package dev.cnbfarm.extend;

import dev.cnbfarm.engine.extend.ExtendInputs;
import dev.cnbfarm.engine.extend.ExtendSettings;
import dev.cnbfarm.engine.extend.ExtendWorkspace;
import dev.cnbfarm.engine.extend.ExtenderPhase;
import dev.cnbfarm.image.blob.TreeBlobs;
import dev.cnbfarm.image.dockerfile.SparseLayout;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.extend.DockerfileStep;
import dev.cnbfarm.lifecycle.extend.ExtendKind;
import dev.cnbfarm.lifecycle.extend.RunImageRules;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.handler.HandlerContext;
import dev.cnbfarm.runtime.handler.HandlerResult;
import dev.cnbfarm.runtime.handler.PhaseHandler;
import dev.cnbfarm.schemas.BuildDetected;
import dev.cnbfarm.schemas.LayerDescriptor;
import dev.cnbfarm.schemas.RunImageReady;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The extend worker's run role (design.md §2, §6: {@code detected → run.ready}). A run image the
 * event does not mark extended (none, or only a switch) is passed through: its pinned reference,
 * and whether it is rebasable by its {@code io.buildpacks.rebasable} label (absent: rebasable, as
 * the exporter leaves such a label alone). Otherwise the run.Dockerfiles of the {@code <generated>}
 * tree are applied to it as root in the sandbox (the engine's {@code extender -kind run}, which
 * writes the sparse layout under {@code <layers>/extended/run}); each new layer blob and the
 * extended config are pushed to the app image's repository, so the export needs neither the layout
 * nor this host. Emits one {@code RunImageReady}. The work dir is deleted whatever happens.
 * Failures keep their codes (102) and are thrown. Handling one event twice gives equal events
 * apart from {@code runsExecuted} (the layer cache serves the second run). Stateless apart from
 * its ports.
 */
public final class RunRoleHandler implements PhaseHandler<BuildDetected> {
  /** The phase name in logs, metrics and failure events. */
  public static final String PHASE = "extend-run";

  private final ImageStore store;
  private final ExtendWorkspace workspace;
  private final Path workRoot;
  private final ExtendSettings settings;

  /** @param workRoot where each build's work dir is made (and deleted after it) */
  public RunRoleHandler(ImageStore store, ExtendWorkspace workspace, Path workRoot, ExtendSettings settings) {
    this.store = Objects.requireNonNull(store, "store");
    this.workspace = Objects.requireNonNull(workspace, "workspace");
    this.workRoot = Objects.requireNonNull(workRoot, "workRoot");
    this.settings = Objects.requireNonNull(settings, "settings");
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
    ImageRef target = ExtendEvents.targetRepository(event);
    ImageRef runImage = ExtendEvents.ref("runImage.reference", event.getRunImage().getReference());
    if (!event.getRunImage().getExtended()) {
      context.log().info("Run image " + runImage + " is not extended: passing it through");
      return passThrough(event, runImage, target, context);
    }
    if (event.getGeneratedDigest() == null) {
      throw new LifecycleException(FailureCode.INVALID_INPUT,
          "the detected event marks the run image extended but has no generatedDigest (no <generated> tree)");
    }
    try (WorkDir work = WorkDir.create(workRoot, "run-")) {
      try {
        return extend(event, work, runImage, target, context);
      } catch (LifecycleException e) {
        throw work.withPlaceholders(e);
      }
    }
  }

  private HandlerResult extend(BuildDetected event, WorkDir work, ImageRef runImage, ImageRef target,
      HandlerContext context) {
    ImageRef sources = ExtendEvents.ref("spec.sourceRepository", event.getSpec().getSourceRepository());
    ApiVersion api = ExtendEvents.platformApi(event);
    Group group = ExtendEvents.group(event);
    TreeBlobs trees = new TreeBlobs(store, work.scratch());
    work.writeGroup(group);
    work.writeAnalyzed(event.getAnalyzedToml(), event.getBuilderImage(), runImage.toString());
    trees.pull(sources, ExtendEvents.digest("generatedDigest", event.getGeneratedDigest()),
        work.files().generatedDir());
    List<DockerfileStep> steps = work.files().dockerfiles(api, group, ExtendKind.RUN, work.app());
    if (steps.stream().anyMatch(s -> s.context().equals(work.app()))) {
      // a run.Dockerfile without a context dir of its own builds in <app> (extensions.md §6.3)
      trees.pull(sources, ExtendEvents.digest("spec.sourceDigest", event.getSpec().getSourceDigest()), work.app());
    }
    ExtenderPhase.Outcome outcome = new ExtenderPhase(store, workspace, work.files(), context.log(), context.clock(),
        settings).run(new ExtendInputs(api, ExtendKind.RUN, work.app(), work.layers(), work.platform(),
            work.root().resolve("buildpacks"), work.root().resolve("extensions"), work.buildConfig(), Optional.empty(),
            OptionalInt.empty(), OptionalInt.empty(), "warn"));
    context.meter().layerCache(outcome.cacheHits(), outcome.runsExecuted());
    if (outcome.layout().isEmpty()) {
      context.log().warn("The detected event marks the run image extended, but <generated> has no run.Dockerfile:"
          + " passing " + runImage + " through");
      return passThrough(event, runImage, target, context);
    }
    SparseLayout layout = outcome.layout().get();
    List<LayerDescriptor> layers = pushExtensionLayers(layout, outcome.base().manifest().layers().size(), target);
    Digest config = layout.manifest().config().digest();
    store.pushBlob(target, readBlob(layout, config));
    context.log().info("Pushed " + layers.size() + " extension layer(s) and the extended config " + config + " to "
        + target);
    RunImageReady ready = ExtendEvents.runReady(event, target, context)
        .setExtended(true)
        .setExtensionLayers(layers)
        .setExtendedConfigDigest(config.value())
        .setRebasable(RunImageRules.rebasable(layout.config().labels()))
        .setRunsExecuted(outcome.runsExecuted())
        .build();
    return HandlerResult.of(Topic.RUN_READY, event.getBuildId(), ready);
  }

  /** The layers above the run image's own, as the exporter names them: {@code extension:<n>}. */
  private List<LayerDescriptor> pushExtensionLayers(SparseLayout layout, int baseLayers, ImageRef target) {
    List<Descriptor> all = layout.manifest().layers();
    List<Digest> diffIds = layout.config().diffIds();
    List<LayerDescriptor> out = new ArrayList<>();
    for (int i = baseLayers; i < all.size(); i++) {
      Descriptor d = all.get(i);
      Path file = layout.blob(d.digest()).orElseThrow(() -> new LifecycleException(FailureCode.EXTEND_ERROR,
          "the extended run image lacks the blob of its extension layer " + d.digest()));
      store.pushBlob(target, new LayerBlob(file, d.digest(), diffIds.get(i), d.size()));
      out.add(ExtendEvents.layer("extension:" + (i - baseLayers), d.mediaType(), d.digest(), d.size(),
          diffIds.get(i)));
    }
    return out;
  }

  private static byte[] readBlob(SparseLayout layout, Digest digest) {
    try {
      return Files.readAllBytes(layout.blobPath(digest));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the extended run image's config " + digest + ": " + e.getMessage(),
          e);
    }
  }

  private HandlerResult passThrough(BuildDetected event, ImageRef runImage, ImageRef target, HandlerContext context) {
    Map<String, String> labels = store.read(runImage).config().labels();
    boolean rebasable = !labels.containsKey(RunImageRules.REBASABLE) || RunImageRules.rebasable(labels);
    RunImageReady ready = ExtendEvents.runReady(event, target, context)
        .setExtended(false)
        .setExtensionLayers(List.of())
        .setExtendedConfigDigest(null)
        .setRebasable(rebasable)
        .setRunsExecuted(0)
        .build();
    return HandlerResult.of(Topic.RUN_READY, event.getBuildId(), ready);
  }
}
