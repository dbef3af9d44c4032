package dev.cnbfarm.extend;

import dev.cnbfarm.engine.extend.ExtenderPhase;
import dev.cnbfarm.image.export.PublishedBuild;
import dev.cnbfarm.image.export.PublishedBuildJson;
import dev.cnbfarm.image.export.PublishedLayer;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.InvalidImageRefException;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.runtime.EventIds;
import dev.cnbfarm.runtime.handler.HandlerContext;
import dev.cnbfarm.schemas.BuildBuilt;
import dev.cnbfarm.schemas.BuildDetected;
import dev.cnbfarm.schemas.GroupModule;
import dev.cnbfarm.schemas.LayerDescriptor;
import dev.cnbfarm.schemas.ProcessType;
import dev.cnbfarm.schemas.RunImageReady;
import java.util.ArrayList;
import java.util.List;

/**
 * The extend worker's one mapper between the Avro events and the engine's values (style.md §3:
 * Avro stops at the handler): the detected event's group, references and digests in, the built
 * and run.ready events out. A malformed field of the input is a user error naming the field.
 * Event ids are derived from build id, event kind and attempt, so a redelivered input gives equal
 * events. Stateless.
 */
final class ExtendEvents {
  /** The event kinds in the derived ids ({@link EventIds}). */
  static final String BUILT = "built";
  static final String RUN_READY = "run.ready";

  private ExtendEvents() {}

  /** group.toml from the event's group: buildpacks and extensions, each in order. */
  static Group group(BuildDetected event) {
    List<GroupEntry> buildpacks = new ArrayList<>();
    List<GroupEntry> extensions = new ArrayList<>();
    for (GroupModule m : event.getGroup()) {
      GroupEntry entry = new GroupEntry(m.getId(), m.getVersion(), m.getApi(), m.getHomepage());
      (m.getExtension() ? extensions : buildpacks).add(entry);
    }
    return new Group(buildpacks, extensions);
  }

  static ImageRef ref(String field, String text) {
    try {
      return ImageRef.parse(text);
    } catch (InvalidImageRefException e) {
      throw new LifecycleException(FailureCode.INVALID_INPUT, field + " '" + text + "' of the detected event: "
          + e.getMessage(), e);
    }
  }

  static Digest digest(String field, String text) {
    try {
      return Digest.parse(text);
    } catch (RuntimeException e) {
      throw new LifecycleException(FailureCode.INVALID_INPUT, field + " '" + text + "' of the detected event is not"
          + " a sha256 digest", e);
    }
  }

  static ApiVersion platformApi(BuildDetected event) {
    String text = event.getSpec().getPlatformApi();
    try {
      return ApiVersion.parse(text);
    } catch (RuntimeException e) {
      throw new LifecycleException(FailureCode.INVALID_INPUT, "spec.platformApi '" + text
          + "' of the detected event is not a Platform API version", e);
    }
  }

  /** The repository every blob of the build goes to: the app image's, any reference to it. */
  static ImageRef targetRepository(BuildDetected event) {
    return ref("spec.targetImage", event.getSpec().getTargetImage()).withoutDigest();
  }

  /** The built event: the published layers in image order, the build's metadata, what extend did. */
  static BuildBuilt built(BuildDetected event, PublishedBuild published, ExtenderPhase.Outcome outcome,
      HandlerContext context) {
    List<LayerDescriptor> layers = new ArrayList<>();
    for (PublishedLayer l : published.layers()) {
      layers.add(layer(l.id(), l.descriptor().mediaType(), l.descriptor().digest(), l.descriptor().size(),
          l.diffId()));
    }
    List<ProcessType> processes = new ArrayList<>();
    for (BuildMetadataLabel.Process p : published.buildMetadata().processes()) {
      processes.add(ProcessType.newBuilder().setType(p.type()).setCommand(p.command()).setArgs(p.args())
          .setDirect(p.direct()).setBuildpackId(p.buildpackId()).build());
    }
    return BuildBuilt.newBuilder()
        .setEventId(EventIds.of(event.getBuildId(), BUILT, event.getAttempt()))
        .setBuildId(event.getBuildId())
        .setAttempt(event.getAttempt())
        .setOccurredAt(context.clock().instant())
        .setProducer(context.producer())
        .setSpec(event.getSpec())
        .setGroup(event.getGroup())
        .setRepository(published.repository().toString())
        .setLayers(layers)
        .setProcesses(processes)
        .setBuildpacksMetadataJson(PublishedBuildJson.buildpacks(published.buildpacks()))
        .setBuildMetadataJson(PublishedBuildJson.buildMetadata(published.buildMetadata()))
        .setProjectMetadataJson(published.projectMetadata())
        .setBuildImageExtended(outcome.dockerfiles() > 0)
        .setExtensionLayers(outcome.newLayers().size())
        .setRunsExecuted(outcome.runsExecuted())
        .build();
  }

  /** A run.ready event's envelope and run image fields, for either outcome. */
  static RunImageReady.Builder runReady(BuildDetected event, ImageRef repository, HandlerContext context) {
    return RunImageReady.newBuilder()
        .setEventId(EventIds.of(event.getBuildId(), RUN_READY, event.getAttempt()))
        .setBuildId(event.getBuildId())
        .setAttempt(event.getAttempt())
        .setOccurredAt(context.clock().instant())
        .setProducer(context.producer())
        .setSpec(event.getSpec())
        .setRunImage(event.getRunImage().getReference())
        .setRunImageName(event.getRunImage().getName())
        .setRunToml(event.getRunToml())
        .setRepository(repository.toString());
  }

  static LayerDescriptor layer(String id, String mediaType, Digest digest, long size, Digest diffId) {
    return LayerDescriptor.newBuilder().setId(id).setMediaType(mediaType).setDigest(digest.value()).setSize(size)
        .setDiffId(diffId.value()).build();
  }
}
