package dev.cnbfarm.export;

import dev.cnbfarm.image.export.AppImage;
import dev.cnbfarm.image.export.AppImageAssembler;
import dev.cnbfarm.image.export.AppImagePusher;
import dev.cnbfarm.image.export.AssembleRequest;
import dev.cnbfarm.image.export.ExportResult;
import dev.cnbfarm.image.export.Exporter;
import dev.cnbfarm.image.export.ExtendedRunImage;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.ImageStoreException;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.Failures;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.handler.HandlerContext;
import dev.cnbfarm.runtime.handler.HandlerResult;
import dev.cnbfarm.runtime.handler.JoinHandler;
import dev.cnbfarm.schemas.BuildBuilt;
import dev.cnbfarm.schemas.BuildExported;
import dev.cnbfarm.schemas.BuildSpec;
import dev.cnbfarm.schemas.RunImageReady;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The export worker's handler (design.md §2, §4 "Export is metadata-only"): {@code built} ⋈
 * {@code run.ready} of one build and attempt → one {@code exported} event. It rebuilds the
 * published build from the built event, reads the pinned run image and, when run.Dockerfiles
 * extended it, the extended config blob the run role pushed; assembles the app image ({@link
 * AppImageAssembler}, the same function the phase commands use) and pushes config and manifest to
 * the target and every tag ({@link AppImagePusher}: layers mounted, never downloaded or re-tarred).
 * The same pair twice gives the same digest and an equal event (content-addressed push, derived id).
 * Failures are {@link LifecycleException}s with {@link FailureCode#EXPORT_ERROR} (exit 62) that keep
 * an image store failure's category: a registry 503 stays retryable, a 401 or 404 is the user's.
 * Stateless apart from its store; thread-safe if the store is.
 */
public final class ExportHandler implements JoinHandler<BuildBuilt, RunImageReady> {
  /** The phase name in logs, metrics and failure events. */
  public static final String PHASE = "export";
  /** The largest extended image config read into memory: configs are kilobytes; manifests have the same cap. */
  static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;

  private final ImageStore store;

  public ExportHandler(ImageStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  @Override
  public String phase() {
    return PHASE;
  }

  @Override
  public Class<BuildBuilt> left() {
    return BuildBuilt.class;
  }

  @Override
  public Class<RunImageReady> right() {
    return RunImageReady.class;
  }

  /**
   * Exports the app image of {@code built} on {@code ready}'s run image.
   *
   * @throws LifecycleException with {@link FailureCode#EXPORT_ERROR}: the category of a store
   *     failure (USER for a missing image or blob or a 401, INFRA for a 5xx or timeout), INTERNAL
   *     for a pair that is not of one build and attempt or an event that breaks its contract
   */
  @Override
  public HandlerResult handle(BuildBuilt built, RunImageReady ready, HandlerContext context) {
    checkSamePair(built, ready);
    try {
      return export(built, ready, context);
    } catch (RuntimeException e) {
      throw Failures.classify(e, FailureCode.EXPORT_ERROR);
    }
  }

  private HandlerResult export(BuildBuilt built, RunImageReady ready, HandlerContext context) {
    BuildSpec spec = built.getSpec();
    List<ImageRef> targets = targets(spec);
    Image runImage = readRunImage(ready);
    context.log().info("Exporting to " + targets.get(0) + " on the run image " + runImage.pinnedRef());
    AppImage image = AppImageAssembler.assemble(new AssembleRequest(runImage, extended(ready),
        ExportEvents.publishedBuild(built),
        // what the assembler reads of analyzed.toml: the run image's name for the label
        Analyzed.empty().withSwitchedRunImage(ready.getRunImageName(), ready.getExtended()),
        ExportEvents.group(built.getGroup()),
        RunMetadata.parse(ready.getRunToml(), "run.toml of the run.ready event of build " + ready.getBuildId()),
        spec.getPlatformApi(), Exporter.CREATED));
    ExportResult result = new AppImagePusher(store, context.log()).push(image, targets);
    context.log().info("*** Digest: " + result.digest());
    BuildExported exported = ExportEvents.exported(built, result, runImage, context);
    return HandlerResult.of(Topic.EXPORTED, built.getBuildId(), exported);
  }

  /** The join's two sides must be one build's same attempt; anything else is the runtime's bug. */
  private static void checkSamePair(BuildBuilt built, RunImageReady ready) {
    if (!built.getBuildId().equals(ready.getBuildId())) {
      throw ExportEvents.bug("refusing to export build " + built.getBuildId() + " on the run image of build "
          + ready.getBuildId());
    }
    if (built.getAttempt() != ready.getAttempt()) {
      throw ExportEvents.bug("refusing to export build " + built.getBuildId() + ": its built event is of attempt "
          + built.getAttempt() + " and its run.ready event of attempt " + ready.getAttempt());
    }
  }

  /** The target image, then each tag not already named; every one is written. */
  private static List<ImageRef> targets(BuildSpec spec) {
    Map<String, ImageRef> targets = new LinkedHashMap<>();
    List<String> names = new ArrayList<>();
    names.add(spec.getTargetImage());
    names.addAll(spec.getTags());
    for (String name : names) {
      ImageRef ref = ImageRef.parse(name);
      targets.putIfAbsent(ref.toString(), ref);
    }
    return List.copyOf(targets.values());
  }

  private Image readRunImage(RunImageReady ready) {
    ImageRef ref = ImageRef.parse(ready.getRunImage());
    try {
      return store.read(ref);
    } catch (ImageStoreException e) {
      throw new LifecycleException(FailureCode.EXPORT_ERROR, "cannot read the run image " + ref + ": "
          + e.getMessage(), e);
    }
  }

  /** The extended run image from the blobs the run role pushed, when run.Dockerfiles extended it. */
  private Optional<ExtendedRunImage> extended(RunImageReady ready) {
    String configDigest = ready.getExtendedConfigDigest();
    if (!ready.getExtended()) {
      if (configDigest != null || !ready.getExtensionLayers().isEmpty()) {
        throw ExportEvents.bug("the run.ready event of build " + ready.getBuildId()
            + " is not extended but carries extension layers or an extended config");
      }
      return Optional.empty();
    }
    if (configDigest == null) {
      throw ExportEvents.bug("the run.ready event of build " + ready.getBuildId()
          + " is extended but names no extended config blob");
    }
    ImageRef repository = ImageRef.parse(ready.getRepository());
    ImageConfig config = ImageConfig.parse(pullConfig(repository, Digest.parse(configDigest)));
    return Optional.of(ExtendedRunImage.published(config, ExportEvents.extensionLayers(ready), repository));
  }

  private byte[] pullConfig(ImageRef repository, Digest digest) {
    CappedBuffer buffer = new CappedBuffer(MAX_CONFIG_BYTES, "the extended run image config " + digest + " in "
        + repository + " is larger than " + MAX_CONFIG_BYTES + " bytes");
    try {
      store.pullBlob(repository, digest, buffer);
    } catch (ImageStoreException e) {
      throw new LifecycleException(FailureCode.EXPORT_ERROR, "cannot read the extended run image config " + digest
          + " from " + repository + ": " + e.getMessage(), e);
    }
    return buffer.toByteArray();
  }

  /** A buffer that fails once it would hold more than {@code max} bytes. Not thread-safe. */
  private static final class CappedBuffer extends ByteArrayOutputStream {
    private final int max;
    private final String message;

    CappedBuffer(int max, String message) {
      this.max = max;
      this.message = message;
    }

    @Override
    public synchronized void write(int b) {
      room(1);
      super.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      room(len);
      super.write(b, off, len);
    }

    private void room(int len) {
      if (len > max - size()) {
        throw new LifecycleException(FailureCode.EXPORT_ERROR, message);
      }
    }
  }
}
