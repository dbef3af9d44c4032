package dev.cnbfarm.image.export;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageAssembly;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import dev.cnbfarm.lifecycle.export.ProjectMetadataLabel;
import dev.cnbfarm.lifecycle.export.RunImageLabel;
import dev.cnbfarm.lifecycle.extend.ImageEnv;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The app image's config and manifest from descriptors and metadata (issue 7 item 3): the run
 * image's layers, the extension layers above them, then the published build's layers; the run (or
 * extended) image's config with the launcher as entrypoint, the CNB env, {@code /workspace}, the
 * lifecycle, build and project labels (sorted), a fixed {@code created} and one history entry per
 * new layer. A pure function: no I/O, so the same request gives the same bytes and digest.
 * Stateless and thread-safe.
 */
public final class AppImageAssembler {
  /** The label holding the execution environment the image was built for (Platform API 0.15). */
  public static final String EXEC_ENV_LABEL = "io.buildpacks.exec-env";

  private AppImageAssembler() {}

  /**
   * Assembles the app image.
   *
   * @throws LifecycleException with {@link FailureCode#EXPORT_ERROR} when the extended run image
   *     does not sit on the run image ({@link ExtendedRunImage#layersOn})
   */
  public static AppImage assemble(AssembleRequest req) {
    Image base = req.runImage();
    List<AppLayer> layers = new ArrayList<>();
    List<Descriptor> baseLayers = base.manifest().layers();
    List<Digest> baseDiffIds = base.config().diffIds();
    for (int i = 0; i < baseLayers.size(); i++) {
      layers.add(new AppLayer("run:" + i, oci(baseLayers.get(i)), baseDiffIds.get(i),
          new AppLayer.RunImage(base.ref())));
    }
    ImageConfig config = base.config();
    if (req.extended().isPresent()) {
      ExtendedRunImage extended = req.extended().get();
      for (AppLayer ext : extended.layersOn(base)) {
        layers.add(new AppLayer(ext.id(), oci(ext.descriptor()), ext.diffId(), ext.source()));
      }
      config = extended.config();
      Map<String, String> labels = config.labels();
      if (!labels.containsKey(Exporter.REBASABLE)) {
        labels.put(Exporter.REBASABLE, "false");
        config = config.withLabels(labels);
      }
    }
    int firstNew = layers.size();
    PublishedBuild build = req.build();
    for (PublishedLayer p : build.layers()) {
      layers.add(new AppLayer(p.id(), p.descriptor(), p.diffId(),
          new AppLayer.Published(build.repository(), p.outcome())));
    }

    BuildMetadataLabel buildLabel = build.buildMetadata();
    boolean extensionsUsed = !req.group().extensions().isEmpty() || !buildLabel.extensions().isEmpty();
    String analyzedImage = req.analyzed().runImageName().orElse(base.ref().withoutDigest().toString());
    LifecycleMetadata lifecycleLabel = new LifecycleMetadata(List.of(build.app().diffId().value()),
        build.config().diffId().value(), build.launcher().diffId().value(), build.buildpacks(),
        new LifecycleMetadata.RunImage(baseDiffIds.isEmpty() ? "" : baseDiffIds.get(baseDiffIds.size() - 1).value(),
            base.pinnedRef().toString(), RunImageLabel.choose(req.run(), analyzedImage, extensionsUsed)),
        build.buildpackLayers().stream().filter(l -> l.id().equals(BuildPublisher.SBOM_LAYER))
            .map(l -> l.diffId().value()).findFirst().orElse(""));

    Map<String, String> labels = config.labels();
    buildLabel.labels().forEach(l -> labels.put(l.key(), l.value()));
    labels.put(LifecycleMetadata.LABEL, lifecycleLabel.toJson());
    labels.put(BuildMetadataLabel.LABEL, buildLabel.toJson());
    labels.put(ProjectMetadataLabel.LABEL, build.projectMetadata());
    // the reference's exporter at Platform API 0.15 (phase/exporter.go): the build's CNB_EXEC_ENV
    if (!req.execEnv().isEmpty()) {
      labels.put(EXEC_ENV_LABEL, req.execEnv());
    }
    config = config.withEnv(env(config.env(), req.platformApi())).withEntrypoint(List.of(Exporter.LAUNCHER_PATH))
        .withCmd(List.of()).withWorkingDir("/workspace").withLabels(labels).withCreated(req.created());
    for (AppLayer p : layers.subList(firstNew, layers.size())) {
      config = config.withLayer(p.diffId(),
          new ImageConfig.History(req.created(), "cnbfarm exporter: " + p.id(), "", false));
    }
    return new AppImage(ImageAssembly.of(config, layers.stream().map(AppLayer::descriptor).toList()), layers);
  }

  /** The base env with the CNB variables set (replaced in place, else appended) and PATH prefixed. */
  static List<String> env(List<String> base, String platformApi) {
    Map<String, String> env = ImageEnv.parse(base);
    env.put("CNB_LAYERS_DIR", "/layers");
    env.put("CNB_APP_DIR", "/workspace");
    env.put("CNB_PLATFORM_API", platformApi);
    String path = env.get("PATH");
    env.put("PATH", "/cnb/process:/cnb/lifecycle" + (path == null || path.isEmpty() ? "" : ":" + path));
    return ImageEnv.format(env);
  }

  /** An OCI layer descriptor; run and extension layer annotations are not carried into the app image. */
  private static Descriptor oci(Descriptor d) {
    return Descriptor.of(ImageAssembly.ociLayer(d).mediaType(), d.digest(), d.size());
  }
}
