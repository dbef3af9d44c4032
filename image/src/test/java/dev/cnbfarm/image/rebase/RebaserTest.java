package dev.cnbfarm.image.rebase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnbfarm.image.dockerfile.ImageLoader;
import dev.cnbfarm.image.dockerfile.ImageState;
import dev.cnbfarm.image.export.ExportResult;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.rootfs.RootfsCache;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.RegistryImageStore;
import dev.cnbfarm.image.store.RegistrySettings;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.AppImageFixture;
import dev.cnbfarm.image.testing.BusyboxRunImage;
import dev.cnbfarm.image.store.CountingImageStore;
import dev.cnbfarm.image.testing.LocalRegistry;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rebaser against a real registry: app images exported on busybox run image A, rebased onto B
 * (A plus a marker layer). Checks the seam, the layers kept, labels, the no-download rule and the
 * refusals (extensions.md §4.4, §8.5).
 */
class RebaserTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path shared;
  static LocalRegistry registry;
  static CountingImageStore store;
  static ImageRef busybox;

  @TempDir Path dir;

  @BeforeAll
  static void startRegistry() throws IOException {
    registry = LocalRegistry.start();
    store = new CountingImageStore(
        new RoutingImageStore(new OciLayoutImageStore(), RegistryImageStore.of(RegistrySettings.defaults())));
    busybox = BusyboxRunImage.write(shared, "true");
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  /** Run image A at {@code <registry>/test/<name>-run:latest}. */
  Image runA(String name) throws IOException {
    return BusyboxRunImage.copy(store, busybox, ImageRef.parse(registry.host() + "/test/" + name + "-run:latest"), dir);
  }

  String runName(String name) {
    return registry.host() + "/test/" + name + "-run";
  }

  /** Run image B: A plus /etc/marker, moved onto A's tag, with a new base label and another org.example.base. */
  Image runB(Image a, String name) throws IOException {
    return AppImageFixture.derivedRunImage(store, a, ImageRef.parse(runName(name) + ":latest"), "B",
        Map.of("io.buildpacks.base.distro.version", "2", "org.example.base", "busybox-b"), dir);
  }

  ExportResult app(String name, Image run, Optional<AppImageFixture.Extension> ext) throws IOException {
    return AppImageFixture.export(store, dir.resolve("build"), run, runName(name),
        ImageRef.parse(registry.host() + "/test/" + name + ":1"), ext);
  }

  RebaseResult rebase(String name, Optional<ImageRef> runImage, boolean force, ImageRef... extra) {
    return new Rebaser(store, Reporter.NONE).rebase(new RebaseRequest(
        ImageRef.parse(registry.host() + "/test/" + name + ":1"), runImage, force, List.of(extra)));
  }

  static JsonNode lifecycleLabel(Image image) throws IOException {
    return JSON.readTree(image.config().labels().get("io.buildpacks.lifecycle.metadata"));
  }

  static List<Digest> digests(List<Descriptor> layers) {
    return layers.stream().map(Descriptor::digest).toList();
  }

  @Test
  void rebasesOntoTheRunImageTheTagNowNamesKeepingTheLayersAboveTheSeam() throws IOException {
    Image a = runA("plain");
    Image built = app("plain", a, Optional.empty()).image();
    Image b = runB(a, "plain");
    ImageRef extra = ImageRef.parse(registry.host() + "/test/plain-copy:rebased");
    store.reset();

    RebaseResult result = rebase("plain", Optional.empty(), false, extra);

    assertThat(store.pulled()).as("blobs downloaded by rebase").isEmpty();
    assertThat(result.unchanged()).isFalse();
    assertThat(result.replacedLayers()).isEqualTo(2);
    assertThat(result.keptLayers()).isEqualTo(4);
    assertThat(result.runImage()).isEqualTo(b.pinnedRef());
    Image rebased = store.read(ImageRef.parse(registry.host() + "/test/plain:1"));
    assertThat(rebased.manifestDigest()).isEqualTo(result.digest()).isNotEqualTo(built.manifestDigest());
    assertThat(store.read(extra).manifestDigest()).isEqualTo(result.digest());
    List<Digest> expected = new ArrayList<>(digests(b.manifest().layers()));
    expected.addAll(digests(built.manifest().layers()).subList(2, 6));
    assertThat(digests(rebased.manifest().layers())).isEqualTo(expected);
    List<Digest> diffIds = new ArrayList<>(b.config().diffIds());
    diffIds.addAll(built.config().diffIds().subList(2, 6));
    assertThat(rebased.config().diffIds()).isEqualTo(diffIds);
    assertThat(rebased.config().history()).hasSize(7);
    assertThat(rebased.config().history().get(2).createdBy()).isEqualTo("marker");
    assertThat(rebased.config().history().get(3).createdBy()).isEqualTo("cnbfarm exporter: bp/a:web");

    assertThat(rebased.config().env()).isEqualTo(built.config().env());
    assertThat(rebased.config().entrypoint()).isEqualTo(built.config().entrypoint());
    assertThat(rebased.config().user()).isEqualTo(built.config().user());
    assertThat(rebased.config().workingDir()).contains("/workspace");
    assertThat(rebased.config().platform()).isEqualTo(b.config().platform());
    assertThat(rebased.config().labels()).containsEntry("io.buildpacks.base.distro.version", "2")
        .containsEntry("org.example.base", "busybox-b").containsEntry("io.buildpacks.rebasable", "true")
        .containsEntry("io.buildpacks.build.metadata", built.config().labels().get("io.buildpacks.build.metadata"));
    JsonNode lc = lifecycleLabel(rebased);
    assertThat(lc.at("/runImage/topLayer").asText()).isEqualTo(b.config().diffIds().get(2).value());
    assertThat(lc.at("/runImage/reference").asText()).isEqualTo(b.pinnedRef().toString());
    assertThat(lc.at("/runImage/image").asText()).isEqualTo(runName("plain"));
    assertThat(lc.at("/runImage/mirrors/0").asText()).isEqualTo(runName("plain") + "-mirror");
    assertThat(lc.at("/buildpacks")).isEqualTo(lifecycleLabel(built).at("/buildpacks"));

    ImageState loaded = new ImageLoader(store, RootfsCache.open(dir.resolve("cache")), dir.resolve("dl")).load(rebased);
    assertThat(loaded.stack().readText("/etc/marker")).contains("B\n");
    assertThat(loaded.stack().readText("/workspace/index.html")).contains("hello\n");
    assertThat(loaded.stack().readText("/etc/passwd")).hasValueSatisfying(p -> assertThat(p).contains("cnb:x:1000"));
  }

  @Test
  void extensionLayersStayAboveTheSeam() throws IOException {
    Image a = runA("ext");
    Image built = app("ext", a, Optional.of(new AppImageFixture.Extension("true"))).image();
    Image b = runB(a, "ext");
    store.reset();

    RebaseResult result = rebase("ext", Optional.empty(), false);

    Image rebased = store.read(ImageRef.parse(registry.host() + "/test/ext:1"));
    assertThat(result.keptLayers()).isEqualTo(5);
    assertThat(digests(rebased.manifest().layers()).subList(0, 3)).isEqualTo(digests(b.manifest().layers()));
    assertThat(rebased.manifest().layers().get(3).digest()).as("the extension layer")
        .isEqualTo(built.manifest().layers().get(2).digest());
    assertThat(rebased.config().env()).contains("EXT=1");
    assertThat(rebased.config().history().get(3).createdBy()).contains("RUN echo ext");
    assertThat(lifecycleLabel(rebased).at("/runImage/topLayer").asText()).isEqualTo(b.config().diffIds().get(2).value());
    assertThat(store.pulled()).isEmpty();
  }

  @Test
  void anAppMarkedNotRebasableIsRefusedWithoutForceAndRebasedWithIt() throws IOException {
    Image a = runA("pinned");
    Image built = app("pinned", a, Optional.of(new AppImageFixture.Extension("false"))).image();
    runB(a, "pinned");

    assertThatThrownBy(() -> rebase("pinned", Optional.empty(), false))
        .isInstanceOfSatisfying(LifecycleException.class, e -> {
          assertThat(e.code()).isEqualTo(FailureCode.REBASE_ERROR);
          assertThat(e.code().exitCode()).isEqualTo(72);
          assertThat(e.getMessage()).contains("io.buildpacks.rebasable=false").contains("--force");
        });
    assertThat(store.read(ImageRef.parse(registry.host() + "/test/pinned:1")).manifestDigest())
        .isEqualTo(built.manifestDigest());

    RebaseResult forced = rebase("pinned", Optional.empty(), true);
    assertThat(forced.unchanged()).isFalse();
    assertThat(forced.image().config().labels()).containsEntry("io.buildpacks.rebasable", "false");
  }

  @Test
  void rebasingOntoTheSameRunImageChangesNothing() throws IOException {
    Image a = runA("same");
    Image built = app("same", a, Optional.empty()).image();
    ImageRef extra = ImageRef.parse(registry.host() + "/test/same:also");

    RebaseResult result = rebase("same", Optional.of(a.pinnedRef()), false, extra);

    assertThat(result.unchanged()).isTrue();
    assertThat(result.digest()).isEqualTo(built.manifestDigest());
    assertThat(store.read(ImageRef.parse(registry.host() + "/test/same:1")).manifestDigest())
        .isEqualTo(built.manifestDigest());
    assertThat(store.read(extra).manifestDigest()).isEqualTo(built.manifestDigest());
  }

  @Test
  void anUnrecordedRunImageNeedsForceAndThenBecomesTheRunImageWithoutMirrors() throws IOException {
    Image a = runA("switch");
    app("switch", a, Optional.empty());
    ImageRef other = ImageRef.parse(registry.host() + "/test/other-run:v2");
    Image b = AppImageFixture.derivedRunImage(store, a, other, "other", Map.of(), dir);

    assertThatThrownBy(() -> rebase("switch", Optional.of(other), false))
        .isInstanceOfSatisfying(LifecycleException.class, e -> {
          assertThat(e.code()).isEqualTo(FailureCode.REBASE_ERROR);
          assertThat(e.getMessage()).contains("neither the app image's run image").contains("--force");
        });
    RebaseResult forced = rebase("switch", Optional.of(other), true);
    JsonNode lc = lifecycleLabel(forced.image());
    assertThat(lc.at("/runImage/image").asText()).isEqualTo(registry.host() + "/test/other-run");
    assertThat(lc.at("/runImage/mirrors").size()).isZero();
    assertThat(lc.at("/runImage/reference").asText()).isEqualTo(b.pinnedRef().toString());
  }

  @Test
  void aMirrorIsAcceptedWithoutForceAndKeepsTheRecordedNameAndMirrors() throws IOException {
    Image a = runA("mirror");
    app("mirror", a, Optional.empty());
    ImageRef mirror = ImageRef.parse(runName("mirror") + "-mirror");
    Image b = AppImageFixture.derivedRunImage(store, a, mirror, "mirror", Map.of(), dir);

    RebaseResult result = rebase("mirror", Optional.of(mirror), false);

    JsonNode lc = lifecycleLabel(result.image());
    assertThat(lc.at("/runImage/image").asText()).isEqualTo(runName("mirror"));
    assertThat(lc.at("/runImage/mirrors/0").asText()).isEqualTo(runName("mirror") + "-mirror");
    assertThat(lc.at("/runImage/reference").asText()).isEqualTo(b.pinnedRef().toString());
  }

  @Test
  void aLayoutAppIsNotRebasedOntoARegistryRunImageByCopyingLayers() throws IOException {
    Image a = runA("mixed");
    ImageRef layoutApp = ImageRef.parse("oci:" + dir.resolve("app-layout") + ":app");
    AppImageFixture.export(store, dir.resolve("build"), a, runName("mixed"), layoutApp, Optional.empty());
    runB(a, "mixed");
    store.reset();

    assertThatThrownBy(() -> new Rebaser(store, Reporter.NONE)
        .rebase(new RebaseRequest(layoutApp, Optional.empty(), false, List.of())))
        .isInstanceOfSatisfying(LifecycleException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.REBASE_ERROR))
        .hasMessageContaining("does not copy layers between an oci: layout and a registry");
    assertThat(store.pulled()).isEmpty();
  }

  @Test
  void anImageWithoutLifecycleMetadataIsNotAnAppImage() throws IOException {
    Image a = runA("notapp");
    assertThatThrownBy(() -> new Rebaser(store, Reporter.NONE)
        .rebase(new RebaseRequest(a.ref(), Optional.empty(), true, List.of())))
        .isInstanceOfSatisfying(LifecycleException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.REBASE_ERROR))
        .hasMessageContaining("not a buildpacks app image");
  }
}
