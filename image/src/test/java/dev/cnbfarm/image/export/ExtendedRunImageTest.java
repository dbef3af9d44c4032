package dev.cnbfarm.image.export;

import static dev.cnbfarm.image.export.AppImageAssemblerTest.digest;
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
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.image.testing.FakeImageStore;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An extended run image from the pipeline's pushed blobs assembles to the same app image as from
 * the run-kind extend's sparse layout, and its layers reach each target without being pulled.
 */
class ExtendedRunImageTest {
  static final ImageRef REPO = ImageRef.parse("registry.example/app");
  static final Descriptor EXT = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, digest("ext"), 7);

  static ImageConfig extendedConfig(Image run) {
    return run.config().withLayer(digest("diff ext"), new ImageConfig.History("", "ext", "", false))
        .withLabels(Map.of("io.buildpacks.rebasable", "false"));
  }

  static AssembleRequest request(ExtendedRunImage extended) {
    AssembleRequest plain = AppImageAssemblerTest.request(Optional.empty());
    return new AssembleRequest(plain.runImage(), Optional.of(extended), plain.build(), plain.analyzed(), plain.group(),
        plain.run(), plain.platformApi(), plain.created());
  }

  @Test
  void pushedBlobsAssembleToTheDigestOfTheSparseLayoutTheyCameFrom() {
    Image run = AppImageAssemblerTest.runImage();
    SparseLayout sparse = new SparseLayout(Path.of("/nonexistent/extended/run/x"), digest("sparse"),
        run.manifest().withLayer(EXT), extendedConfig(run));

    AppImage fromSparse = AppImageAssembler.assemble(request(ExtendedRunImage.fromSparse(sparse)));
    AppImage fromBlobs = AppImageAssembler.assemble(request(ExtendedRunImage.published(extendedConfig(run),
        List.of(new ExtendedRunImage.Layer(EXT, digest("diff ext"))), REPO)));

    assertThat(fromBlobs.assembly().digest()).isEqualTo(fromSparse.assembly().digest());
    assertThat(fromBlobs.assembly().configJson()).isEqualTo(fromSparse.assembly().configJson());
    assertThat(fromBlobs.layers().get(2).id()).isEqualTo("extension:0");
    assertThat(fromBlobs.layers().get(2).source()).isEqualTo(new AppLayer.Stored(REPO));
  }

  @Test
  void aPushedConfigNotOnTheRunImageIsAnExportError() {
    Image run = AppImageAssemblerTest.runImage();
    ImageConfig elsewhere = ImageConfig.empty(Platform.LINUX_AMD64)
        .withLayer(digest("diff other"), new ImageConfig.History("", "other", "", false))
        .withLayer(digest("diff run1"), new ImageConfig.History("", "run1", "", false))
        .withLayer(digest("diff ext"), new ImageConfig.History("", "ext", "", false));

    assertThatThrownBy(() -> AppImageAssembler.assemble(request(ExtendedRunImage.published(elsewhere,
        List.of(new ExtendedRunImage.Layer(EXT, digest("diff ext"))), REPO))))
        .isInstanceOfSatisfying(LifecycleException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.EXPORT_ERROR))
        .hasMessage("the extended run image config in " + REPO + " (3 layers) is not the run image "
            + run.pinnedRef() + " (2 layers) plus its 1 extension layer(s)");
  }

  @Test
  void anExtensionLayerTheConfigDoesNotListIsAnExportError() {
    Image run = AppImageAssemblerTest.runImage();

    assertThatThrownBy(() -> AppImageAssembler.assemble(request(ExtendedRunImage.published(extendedConfig(run),
        List.of(new ExtendedRunImage.Layer(EXT, digest("diff something else"))), REPO))))
        .isInstanceOf(LifecycleException.class)
        .hasMessageContaining("extension layer 0 (" + EXT.digest() + ") has diffID " + digest("diff something else"));
  }

  @Test
  void storedLayersAreFoundInTheTargetRepositoryAndMountedIntoAnotherNeverPulled(@TempDir Path tmp) {
    FakeImageStore store = FakeImageStore.over(new OciLayoutImageStore());
    ImageRef target = ImageRef.parse("oci:" + tmp.resolve("out") + ":app");
    ImageRef other = ImageRef.parse("oci:" + tmp.resolve("other") + ":app");
    byte[] blob = "an extension layer".getBytes(StandardCharsets.UTF_8);
    Digest digest = new OciLayoutImageStore().pushBlob(target, blob).digest();
    Descriptor layer = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, digest, blob.length);
    ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64)
        .withLayer(digest("diff"), new ImageConfig.History("", "ext", "", false));
    AppImage image = new AppImage(ImageAssembly.of(config, List.of(layer)),
        List.of(new AppLayer("extension:0", layer, digest("diff"), new AppLayer.Stored(target))));

    ExportResult result = new AppImagePusher(store, Reporter.NONE).push(image, List.of(target, other));

    assertThat(result.layers()).extracting(ExportResult.LayerOutcome::outcome)
        .containsExactly(BlobPush.Outcome.EXISTED, BlobPush.Outcome.MOUNTED);
    assertThat(store.calls()).noneMatch(c -> c.startsWith("PULL_BLOB"))
        .noneMatch(c -> c.equals("PUSH_BLOB " + digest.value()));
  }
}
