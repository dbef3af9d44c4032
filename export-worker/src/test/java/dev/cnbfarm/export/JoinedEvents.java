package dev.cnbfarm.export;

import dev.cnbfarm.image.dockerfile.SparseLayout;
import dev.cnbfarm.image.export.PublishedBuild;
import dev.cnbfarm.image.export.PublishedBuildJson;
import dev.cnbfarm.image.export.PublishedLayer;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.report.Reporter;
import dev.cnbfarm.lifecycle.testing.RecordingReporter;
import dev.cnbfarm.runtime.EventIds;
import dev.cnbfarm.runtime.handler.HandlerContext;
import dev.cnbfarm.schemas.BuildBuilt;
import dev.cnbfarm.schemas.BuildSpec;
import dev.cnbfarm.schemas.GroupModule;
import dev.cnbfarm.schemas.LayerDescriptor;
import dev.cnbfarm.schemas.RunImageReady;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The export worker's input events as the extend worker's two roles write them (schemas' doc
 * strings): a {@code built} event from a {@link PublishedBuild}, a {@code run.ready} event from
 * the run image and, when it was extended, the extension layer blobs and config pushed to the
 * target repository. Stateless.
 */
final class JoinedEvents {
  static final String BUILD = "b-1";
  static final Instant NOW = Instant.parse("2026-12-02T03:00:00Z");

  private JoinedEvents() {}

  /** The extended part of a run.ready event: where the blobs are, their descriptors, the config blob. */
  record Extension(ImageRef repository, List<LayerDescriptor> layers, Digest config) {}

  static BuildSpec spec(ImageRef target, List<String> tags) {
    return BuildSpec.newBuilder().setBuilderImage("oci:/nonexistent/builder").setSourceRepository(target.toString())
        .setSourceDigest(Digest.of(new byte[0]).value()).setTargetImage(target.toString()).setTags(tags)
        .setPlatformApi("0.13").build();
  }

  static BuildBuilt built(BuildSpec spec, int attempt, PublishedBuild build, Group group) {
    List<LayerDescriptor> layers = new ArrayList<>();
    for (PublishedLayer l : build.layers()) {
      layers.add(layer(l.id(), l.descriptor(), l.diffId()));
    }
    return BuildBuilt.newBuilder().setEventId(EventIds.of(BUILD, "built", attempt)).setBuildId(BUILD)
        .setAttempt(attempt).setOccurredAt(NOW).setProducer("extend-build-1").setSpec(spec).setGroup(modules(group))
        .setRepository(build.repository().toString()).setLayers(layers)
        .setBuildpacksMetadataJson(PublishedBuildJson.buildpacks(build.buildpacks()))
        .setBuildMetadataJson(PublishedBuildJson.buildMetadata(build.buildMetadata()))
        .setProjectMetadataJson(build.projectMetadata()).build();
  }

  static RunImageReady ready(BuildSpec spec, int attempt, Image runImage, String runImageName, String runToml,
      Optional<Extension> extension) {
    return ready(spec, attempt, runImage.pinnedRef().toString(), runImageName, runToml, extension);
  }

  static RunImageReady ready(BuildSpec spec, int attempt, String runImage, String runImageName, String runToml,
      Optional<Extension> extension) {
    return RunImageReady.newBuilder().setEventId(EventIds.of(BUILD, "run-ready", attempt)).setBuildId(BUILD)
        .setAttempt(attempt).setOccurredAt(NOW).setProducer("extend-run-1").setSpec(spec)
        .setRunImage(runImage).setRunImageName(runImageName).setRunToml(runToml)
        .setExtended(extension.isPresent())
        .setRepository(extension.map(e -> e.repository().toString()).orElse(spec.getTargetImage()))
        .setExtensionLayers(extension.map(Extension::layers).orElse(List.of()))
        .setExtendedConfigDigest(extension.map(e -> e.config().value()).orElse(null))
        .setRebasable(extension.isEmpty()).build();
  }

  /**
   * Pushes what the run-kind extend added to {@code base} (its layer blobs and its config blob, as
   * the sparse layout holds them) to {@code repository}, as the run role does.
   */
  static Extension pushExtension(ImageStore store, SparseLayout sparse, Image base, ImageRef repository) {
    List<LayerDescriptor> layers = new ArrayList<>();
    List<Descriptor> all = sparse.manifest().layers();
    int first = base.manifest().layers().size();
    for (int i = first; i < all.size(); i++) {
      Descriptor d = all.get(i);
      Digest diffId = sparse.config().diffIds().get(i);
      store.pushBlob(repository, new LayerBlob(sparse.blob(d.digest()).orElseThrow(), d.digest(), diffId, d.size()));
      layers.add(layer("extension:" + (i - first), d, diffId));
    }
    Digest config = sparse.manifest().config().digest();
    try {
      store.pushBlob(repository, Files.readAllBytes(sparse.blobPath(config)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Extension(repository, layers, config);
  }

  static LayerDescriptor layer(String id, Descriptor d, Digest diffId) {
    return LayerDescriptor.newBuilder().setId(id).setMediaType(d.mediaType()).setDigest(d.digest().value())
        .setSize(d.size()).setDiffId(diffId.value()).build();
  }

  static List<GroupModule> modules(Group group) {
    List<GroupModule> modules = new ArrayList<>();
    for (GroupEntry e : group.buildpacks()) {
      modules.add(module(e, false));
    }
    for (GroupEntry e : group.extensions()) {
      modules.add(module(e, true));
    }
    return modules;
  }

  private static GroupModule module(GroupEntry e, boolean extension) {
    return GroupModule.newBuilder().setId(e.id()).setVersion(e.version()).setApi(e.api()).setHomepage(e.homepage())
        .setExtension(extension).build();
  }

  /** The loop's context for one handler call: a fixed clock, a named producer, a recorded log. */
  static final class Context implements HandlerContext {
    final RecordingReporter log = new RecordingReporter();

    @Override
    public String producer() {
      return "export-1";
    }

    @Override
    public Clock clock() {
      return Clock.fixed(NOW, ZoneOffset.UTC);
    }

    @Override
    public Reporter log() {
      return log;
    }
  }
}
