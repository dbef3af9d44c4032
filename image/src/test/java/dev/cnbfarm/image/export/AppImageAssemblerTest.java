package dev.cnbfarm.image.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.dockerfile.SparseLayout;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageAssembly;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The assemble step of an export as a pure function: made-up descriptors and metadata in, the app
 * image's config and manifest out, with no store, no registry and no file (the paths named here do
 * not exist).
 */
class AppImageAssemblerTest {
  static final ImageRef RUN = ImageRef.parse("registry.example/run@" + digest("run manifest"));
  static final ImageRef APP = ImageRef.parse("registry.example/app:1");

  static Digest digest(String text) {
    return Digest.of(text.getBytes(StandardCharsets.UTF_8));
  }

  static Descriptor layer(String name) {
    return Descriptor.of(MediaTypes.DOCKER_LAYER_GZIP, digest(name), name.length() * 100L);
  }

  static PublishedLayer published(String id) {
    return new PublishedLayer(id, Descriptor.of(MediaTypes.OCI_LAYER_GZIP, digest("blob " + id), 42),
        digest("diff " + id), BlobPush.Outcome.UPLOADED);
  }

  static Image runImage() {
    ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64)
        .withLayer(digest("diff run0"), new ImageConfig.History("", "run0", "", false))
        .withLayer(digest("diff run1"), new ImageConfig.History("", "run1", "", false))
        .withEnv(List.of("PATH=/bin")).withUser("cnb").withLabels(Map.of("io.buildpacks.rebasable", "true"));
    ImageAssembly run = ImageAssembly.of(config, List.of(layer("run0"), layer("run1")));
    return run.image(ImageRef.parse("registry.example/run"));
  }

  static PublishedBuild build() {
    BuildMetadataLabel label = new BuildMetadataLabel(List.of(new BuildMetadataLabel.Module("bp/a", "1", "", "")),
        List.of(), List.of(new BuildMetadataLabel.Process("web", List.of("serve"), List.of(), true, "bp/a")),
        new BuildMetadataLabel.Launcher("0.1.0", "https://example.org/launcher", "abc"), List.of());
    PublishedLayer web = published("bp/a:web");
    return new PublishedBuild(APP, List.of(web), List.of(new LifecycleMetadata.BuildpackLayers("bp/a", "1",
        Map.of("web", new LifecycleMetadata.LayerMetadata(web.diffId().value(), Map.of(), false, true, false)))),
        published("app"), published("launcher"), published("config"), label, "{}");
  }

  static AssembleRequest request(Optional<SparseLayout> extended) {
    return new AssembleRequest(runImage(), extended.map(ExtendedRunImage::fromSparse), build(),
        Analyzed.parse("[run-image]\nreference = \"" + RUN + "\"\nimage = \"registry.example/run\"\n", "analyzed.toml"),
        new Group(List.of(new GroupEntry("bp/a", "1", "0.10", "")), List.of()),
        new RunMetadata(List.of(new RunMetadata.RunImage("registry.example/run", List.of()))), "0.13",
        Exporter.CREATED);
  }

  @Test
  void theSameInputsGiveTheSameBytesAndDigest() {
    AppImage first = AppImageAssembler.assemble(request(Optional.empty()));
    AppImage second = AppImageAssembler.assemble(request(Optional.empty()));

    assertThat(second.assembly().digest()).isEqualTo(first.assembly().digest());
    assertThat(second.assembly().configJson()).isEqualTo(first.assembly().configJson());
    assertThat(second.assembly().manifestJson()).isEqualTo(first.assembly().manifestJson());
    assertThat(first.assembly().digest()).isEqualTo(Digest.of(first.assembly().manifestJson()));
  }

  @Test
  void runLayersComeFirstAsOciLayersToMountThenThePublishedLayers() {
    AppImage image = AppImageAssembler.assemble(request(Optional.empty()));

    assertThat(image.layers()).extracting(AppLayer::id)
        .containsExactly("run:0", "run:1", "bp/a:web", "app", "launcher", "config");
    assertThat(image.layers().get(0).source()).isEqualTo(new AppLayer.RunImage(runImage().ref()));
    assertThat(image.layers().get(2).source()).isEqualTo(new AppLayer.Published(APP, BlobPush.Outcome.UPLOADED));
    assertThat(image.assembly().manifest().layers()).extracting(Descriptor::mediaType)
        .containsOnly(MediaTypes.OCI_LAYER_GZIP);
    ImageConfig config = image.assembly().config();
    assertThat(config.diffIds()).hasSize(6).element(5).isEqualTo(digest("diff config"));
    assertThat(config.created()).contains("1980-01-01T00:00:01Z");
    assertThat(config.entrypoint()).containsExactly("/cnb/lifecycle/launcher");
    assertThat(config.labels()).containsKeys("io.buildpacks.lifecycle.metadata", "io.buildpacks.build.metadata")
        .containsEntry("io.buildpacks.project.metadata", "{}");
  }

  @Test
  void anotherCreatedTimeGivesAnotherDigest() {
    AssembleRequest req = request(Optional.empty());
    AssembleRequest later = new AssembleRequest(req.runImage(), req.extended(), req.build(), req.analyzed(), req.group(),
        req.run(), req.platformApi(), "2024-01-01T00:00:00Z");

    assertThat(AppImageAssembler.assemble(later).assembly().digest())
        .isNotEqualTo(AppImageAssembler.assemble(req).assembly().digest());
  }

  @Test
  void extensionLayersSitBetweenTheRunAndBuildLayersAndComeFromTheSparseLayout() {
    Image run = runImage();
    ImageConfig extendedConfig = run.config().withLayer(digest("diff ext"), new ImageConfig.History("", "ext", "", false))
        .withLabels(Map.of());
    Descriptor ext = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, digest("ext"), 7);
    SparseLayout sparse = new SparseLayout(Path.of("/nonexistent/extended/run/x"), digest("sparse"),
        run.manifest().withLayer(ext), extendedConfig);

    AppImage image = AppImageAssembler.assemble(request(Optional.of(sparse)));

    assertThat(image.layers().get(2).id()).isEqualTo("extension:0");
    assertThat(image.layers().get(2).source()).isEqualTo(new AppLayer.LocalFile(sparse.blobPath(ext.digest())));
    assertThat(image.assembly().config().labels()).containsEntry("io.buildpacks.rebasable", "false");
  }

  @Test
  void anExtendedImageNotOnTheRunImageIsAnExportError() {
    Image run = runImage();
    SparseLayout elsewhere = new SparseLayout(Path.of("/nonexistent/x"), digest("sparse"),
        ImageAssembly.of(run.config(), List.of(layer("other0"), layer("other1"))).manifest(), run.config());

    assertThatThrownBy(() -> AppImageAssembler.assemble(request(Optional.of(elsewhere))))
        .isInstanceOf(LifecycleException.class).hasMessageContaining("is not built on the run image");
  }
}
