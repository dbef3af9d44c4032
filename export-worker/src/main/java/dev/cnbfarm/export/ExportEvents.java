package dev.cnbfarm.export;

import dev.cnbfarm.image.export.ExportResult;
import dev.cnbfarm.image.export.ExtendedRunImage;
import dev.cnbfarm.image.export.PublishedBuild;
import dev.cnbfarm.image.export.PublishedBuildJson;
import dev.cnbfarm.image.export.PublishedLayer;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.runtime.EventIds;
import dev.cnbfarm.runtime.handler.HandlerContext;
import dev.cnbfarm.schemas.BuildBuilt;
import dev.cnbfarm.schemas.BuildExported;
import dev.cnbfarm.schemas.GroupModule;
import dev.cnbfarm.schemas.LayerDescriptor;
import dev.cnbfarm.schemas.RunImageReady;
import java.util.ArrayList;
import java.util.List;

/**
 * The export worker's one mapping between the Avro events and the image engine's values
 * (style.md §3: Avro stops at the handler): a {@code built} event back to the {@link
 * PublishedBuild} the build side published, a {@code run.ready} event's extension layers, and the
 * {@code exported} event. An event that contradicts its own contract (no app layer, extension
 * layers out of order) is a bug of its producer: {@link Category#INTERNAL}. Stateless.
 */
final class ExportEvents {
  static final String APP = "app";
  static final String LAUNCHER = "launcher";
  static final String CONFIG = "config";

  private ExportEvents() {}

  /**
   * The published build a {@code built} event describes: its layers by id (launch layers {@code
   * <bp>:<layer>} in event order, then app, launcher and config), the label metadata and the
   * repository. The blobs are in the repository, so each layer's outcome is {@code EXISTED}.
   */
  static PublishedBuild publishedBuild(BuildBuilt built) {
    List<PublishedLayer> buildpackLayers = new ArrayList<>();
    PublishedLayer app = null;
    PublishedLayer launcher = null;
    PublishedLayer config = null;
    for (LayerDescriptor d : built.getLayers()) {
      PublishedLayer layer = new PublishedLayer(d.getId(), descriptor(d), Digest.parse(d.getDiffId()),
          BlobPush.Outcome.EXISTED);
      switch (d.getId()) {
        case APP -> app = once(app, layer, built);
        case LAUNCHER -> launcher = once(launcher, layer, built);
        case CONFIG -> config = once(config, layer, built);
        default -> buildpackLayers.add(buildpackLayer(layer, built));
      }
    }
    return new PublishedBuild(ImageRef.parse(built.getRepository()), buildpackLayers,
        PublishedBuildJson.parseBuildpacks(built.getBuildpacksMetadataJson()), required(app, APP, built),
        required(launcher, LAUNCHER, built), required(config, CONFIG, built),
        PublishedBuildJson.parseBuildMetadata(built.getBuildMetadataJson()), built.getProjectMetadataJson());
  }

  /** group.toml of the event's group: buildpacks and extensions, each in order. */
  static Group group(List<GroupModule> modules) {
    List<GroupEntry> buildpacks = new ArrayList<>();
    List<GroupEntry> extensions = new ArrayList<>();
    for (GroupModule m : modules) {
      GroupEntry entry = new GroupEntry(m.getId(), m.getVersion(), m.getApi(), m.getHomepage());
      (m.getExtension() ? extensions : buildpacks).add(entry);
    }
    return new Group(buildpacks, extensions);
  }

  /** The {@code extension:<n>} layers of a {@code run.ready} event, which must come in order. */
  static List<ExtendedRunImage.Layer> extensionLayers(RunImageReady ready) {
    List<ExtendedRunImage.Layer> layers = new ArrayList<>();
    List<LayerDescriptor> listed = ready.getExtensionLayers();
    for (int i = 0; i < listed.size(); i++) {
      LayerDescriptor d = listed.get(i);
      if (!d.getId().equals("extension:" + i)) {
        throw bug("the run.ready event of build " + ready.getBuildId() + " lists layer '" + d.getId()
            + "' where extension:" + i + " belongs");
      }
      layers.add(new ExtendedRunImage.Layer(descriptor(d), Digest.parse(d.getDiffId())));
    }
    return layers;
  }

  /** The {@code exported} event: the image pinned, its digest, every reference written, the run image. */
  static BuildExported exported(BuildBuilt built, ExportResult result, Image runImage, HandlerContext context) {
    return BuildExported.newBuilder()
        .setEventId(EventIds.of(built.getBuildId(), "exported", built.getAttempt()))
        .setBuildId(built.getBuildId())
        .setAttempt(built.getAttempt())
        .setOccurredAt(context.clock().instant())
        .setProducer(context.producer())
        .setImage(result.image().pinnedRef().toString())
        .setImageDigest(result.digest().value())
        .setTags(result.targets().stream().map(ImageRef::toString).toList())
        .setRunImage(runImage.pinnedRef().toString())
        .build();
  }

  static LifecycleException bug(String message) {
    return new LifecycleException(FailureCode.EXPORT_ERROR, Category.INTERNAL, message, null);
  }

  private static Descriptor descriptor(LayerDescriptor d) {
    return Descriptor.of(d.getMediaType(), Digest.parse(d.getDigest()), d.getSize());
  }

  private static PublishedLayer buildpackLayer(PublishedLayer layer, BuildBuilt built) {
    int colon = layer.id().indexOf(':');
    if (colon <= 0 || colon == layer.id().length() - 1) {
      throw bug("the built event of build " + built.getBuildId() + " lists layer '" + layer.id()
          + "', which is neither <buildpack>:<layer> nor app, launcher or config");
    }
    return layer;
  }

  private static PublishedLayer once(PublishedLayer seen, PublishedLayer layer, BuildBuilt built) {
    if (seen != null) {
      throw bug("the built event of build " + built.getBuildId() + " lists the " + layer.id() + " layer twice");
    }
    return layer;
  }

  private static PublishedLayer required(PublishedLayer layer, String id, BuildBuilt built) {
    if (layer == null) {
      throw bug("the built event of build " + built.getBuildId() + " lists no " + id + " layer");
    }
    return layer;
  }
}
