package dev.cnbfarm.image.rebase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.Manifest;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import dev.cnbfarm.lifecycle.export.RunImageLabel;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rebaser on images assembled with the store API in {@code oci:} layouts: a top-layer diffID
 * that also occurs lower in the run image, the fallback when the original run image is gone, and
 * the platform check.
 */
class RebaserLayoutTest {
  @TempDir Path dir;
  final OciLayoutImageStore store = new OciLayoutImageStore();
  final List<String> warnings = new ArrayList<>();
  final Reporter reporter = new Reporter() {
    @Override
    public void debug(String line) {}

    @Override
    public void info(String line) {}

    @Override
    public void warn(String line) {
      warnings.add(line);
    }
  };
  LayerBlob one;
  LayerBlob two;
  LayerBlob three;
  LayerBlob four;

  @BeforeEach
  void layers() throws IOException {
    one = layer("one");
    two = layer("two");
    three = layer("three");
    four = layer("four");
  }

  LayerBlob layer(String name) throws IOException {
    Path tree = Files.createDirectories(dir.resolve("trees/" + name + "/etc"));
    Files.writeString(tree.resolve(name), name + "\n");
    return LayerWriter.of().writeTree(tree.getParent(), dir.resolve(name + ".tar.gz"));
  }

  /** Writes an image of {@code layers} whose history has one entry per layer, then an empty-layer CMD. */
  Image image(LayoutRef ref, Platform platform, List<LayerBlob> layers, Map<String, String> labels) {
    ImageConfig config = ImageConfig.empty(platform);
    List<Descriptor> descriptors = new ArrayList<>();
    for (LayerBlob l : layers) {
      store.pushBlob(ref, l);
      config = config.withLayer(l.diffId(), new ImageConfig.History("", "layer " + l.diffId().hex().substring(0, 8), "",
          false));
      descriptors.add(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, l.digest(), l.size()));
    }
    config = config.withHistory(new ImageConfig.History("", "CMD sh", "", true)).withLabels(labels)
        .withEnv(List.of("PATH=/bin"));
    byte[] json = config.toJson();
    store.pushManifest(ref, Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(json), json.length),
        descriptors), json);
    return store.read(ref);
  }

  /** Run image A = [one, two, one] (top layer "one" also at the bottom); the app adds [three, one]. */
  Image appOnA(String reference, String runName) {
    Image a = image(LayoutRef.of(dir.resolve("run"), "a"), Platform.LINUX_AMD64, List.of(one, two, one), Map.of());
    String label = new LifecycleMetadata(List.of(three.diffId().value()), three.diffId().value(), three.diffId().value(),
        List.of(), new LifecycleMetadata.RunImage(one.diffId().value(), reference.isEmpty() ? a.pinnedRef().toString()
            : reference, new RunImageLabel(runName, List.of()))).toJson();
    return image(LayoutRef.of(dir.resolve("app"), "app"), Platform.LINUX_AMD64, List.of(one, two, one, three, one),
        Map.of(LifecycleMetadata.LABEL, label, "io.buildpacks.rebasable", "true"));
  }

  RebaseResult rebase(Optional<ImageRef> run, boolean force) {
    return new Rebaser(store, reporter).rebase(
        new RebaseRequest(LayoutRef.of(dir.resolve("app"), "app"), run, force, List.of()));
  }

  @Test
  void theSeamIsTheOriginalRunImagesLengthWhenItsTopDiffIdAlsoOccursBelow() {
    LayoutRef b = LayoutRef.of(dir.resolve("run"), "b");
    appOnA("", b.toString());
    image(b, Platform.LINUX_AMD64, List.of(four), Map.of());

    RebaseResult result = rebase(Optional.empty(), false);

    assertThat(result.replacedLayers()).isEqualTo(3);
    assertThat(result.image().config().diffIds()).containsExactly(four.diffId(), three.diffId(), one.diffId());
    assertThat(result.image().manifest().layers()).extracting(Descriptor::digest)
        .containsExactly(four.digest(), three.digest(), one.digest());
    assertThat(result.image().config().history()).extracting(ImageConfig.History::createdBy).containsExactly(
        "layer " + four.diffId().hex().substring(0, 8), "CMD sh", "layer " + three.diffId().hex().substring(0, 8),
        "layer " + one.diffId().hex().substring(0, 8), "CMD sh");
    assertThat(store.read(LayoutRef.of(dir.resolve("app"), "app")).manifestDigest()).isEqualTo(result.digest());
    assertThat(warnings).isEmpty();
  }

  @Test
  void withoutTheOriginalRunImageTheSeamIsTheFirstOccurrenceAndItWarns() {
    LayoutRef b = LayoutRef.of(dir.resolve("run"), "b");
    appOnA(LayoutRef.of(dir.resolve("gone"), "a").withDigest(Digest.of(new byte[0])).toString(), b.toString());
    image(b, Platform.LINUX_AMD64, List.of(four), Map.of());

    RebaseResult result = rebase(Optional.empty(), false);

    assertThat(result.replacedLayers()).isEqualTo(1);
    assertThat(result.image().config().diffIds())
        .containsExactly(four.diffId(), two.diffId(), one.diffId(), three.diffId(), one.diffId());
    assertThat(result.image().config().history()).hasSize(7);
    assertThat(warnings).singleElement().asString().contains("occurs 3 times").contains("taking the first");
  }

  @Test
  void anotherArchitectureIsRefusedWithoutForceAndTakenWithIt() {
    LayoutRef b = LayoutRef.of(dir.resolve("run"), "b");
    appOnA("", b.toString());
    image(b, new Platform("linux", "arm64", ""), List.of(four), Map.of("io.buildpacks.base.distro.name", "arm"));

    assertThatThrownBy(() -> rebase(Optional.empty(), false))
        .isInstanceOfSatisfying(LifecycleException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.REBASE_ERROR))
        .hasMessageContaining("is for linux/arm64 but the app image is for linux/amd64").hasMessageContaining("--force");

    RebaseResult forced = rebase(Optional.empty(), true);
    assertThat(forced.image().config().platform()).isEqualTo(new Platform("linux", "arm64", ""));
    assertThat(forced.image().config().labels()).containsEntry("io.buildpacks.base.distro.name", "arm")
        .containsEntry("io.buildpacks.rebasable", "true");
  }
}
