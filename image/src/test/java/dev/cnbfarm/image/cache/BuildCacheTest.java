package dev.cnbfarm.image.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.CountingImageStore;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.RegistryImageStore;
import dev.cnbfarm.image.store.RegistrySettings;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.LocalRegistry;
import dev.cnbfarm.lifecycle.cache.CacheMetadata;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.testing.RecordingReporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The build cache as a dir, as an {@code oci:} image and as a registry image: the exporter's cache
 * step writes it, a new layers dir is restored from it, an unchanged second write reuses every
 * layer (and uploads nothing), a changed layer is added, a corrupt or missing layer is refused.
 */
class BuildCacheTest {
  static LocalRegistry registry;
  static CountingImageStore store;
  @TempDir static Path shared;

  @TempDir Path dir;
  Path layers;
  final RecordingReporter reporter = new RecordingReporter();
  static final List<GroupEntry> GROUP = List.of(new GroupEntry("acme/deps", "1.0", "0.10", ""));

  @BeforeAll
  static void startRegistry() {
    registry = LocalRegistry.start();
    store = new CountingImageStore(
        new RoutingImageStore(new OciLayoutImageStore(), RegistryImageStore.of(RegistrySettings.defaults())));
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @BeforeEach
  void buildOutput() throws IOException {
    layers = dir.resolve("layers");
    Files.createDirectories(layers.resolve("acme_deps/dep/bin"));
    Files.writeString(layers.resolve("acme_deps/dep/bin/dep"), "#!/bin/sh\necho dep\n");
    Files.setPosixFilePermissions(layers.resolve("acme_deps/dep/bin/dep"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(layers.resolve("acme_deps/dep.toml"), "[types]\nlaunch = true\ncache = true\n[metadata]\nversion = \"1.0\"\n");
    Files.createDirectories(layers.resolve("acme_deps/tools"));
    Files.writeString(layers.resolve("acme_deps/tools/t.txt"), "tools\n");
    Files.writeString(layers.resolve("acme_deps/tools.toml"), "[types]\nbuild = true\ncache = true\n");
    Files.createDirectories(layers.resolve("acme_deps/scratch"));
    Files.writeString(layers.resolve("acme_deps/scratch.toml"), "[types]\nbuild = true\n");
  }

  static Stream<Arguments> caches() {
    return Stream.of(
        Arguments.of("dir", (CacheKind) (d, code) -> VolumeCache.open(Files.createDirectories(d.resolve("cache")), code)),
        Arguments.of("oci image", (CacheKind) (d, code) -> ImageCache.open(store, ImageRef.parse("oci:" + d.resolve("cache-oci") + ":cache"))),
        Arguments.of("registry image", (CacheKind) (d, code) -> ImageCache.open(store,
            ImageRef.parse(registry.host() + "/cache/" + d.getFileName().toString().toLowerCase().replaceAll("[^a-z0-9]", "") + ":latest"))));
  }

  /** How a test opens its cache again (each phase run opens it anew). */
  interface CacheKind {
    BuildCache open(Path dir, FailureCode code) throws IOException;
  }

  private CacheExport.Result export(BuildCache cache) {
    return new CacheExport(reporter).write(cache, layers, GROUP, 1000, 1000, Optional.empty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("caches")
  void roundTripsCacheLayersAndTheirMetadata(String kind, CacheKind caches) throws IOException {
    BuildCache first = caches.open(dir, FailureCode.EXPORT_ERROR);
    assertThat(first.exists()).isEqualTo(kind.equals("dir"));
    CacheExport.Result written = export(first);
    assertThat(reporter.lines()).contains("Adding cache layer 'acme/deps:dep'", "Adding cache layer 'acme/deps:tools'")
        .noneMatch(l -> l.contains("scratch"));

    BuildCache again = caches.open(dir, FailureCode.RESTORE_ERROR);
    assertThat(again.exists()).isTrue();
    CacheMetadata meta = again.metadata();
    assertThat(meta.layersOf("acme/deps")).containsOnlyKeys("dep", "tools");
    assertThat(meta.layersOf("acme/deps").get("dep").data()).isEqualTo(Map.of("version", "1.0"));
    assertThat(meta.layersOf("acme/deps").get("dep").launch()).isTrue();
    assertThat(meta.layersOf("acme/deps").get("tools").sha()).isEqualTo(written.layers().get(1).put().diffId().value());

    Path fresh = dir.resolve("fresh-layers");
    again.restore(Digest.parse(meta.layersOf("acme/deps").get("dep").sha()), fresh, "acme_deps", "dep");
    Path restored = fresh.resolve("acme_deps/dep/bin/dep");
    assertThat(Files.readString(restored)).isEqualTo("#!/bin/sh\necho dep\n");
    assertThat(Files.isExecutable(restored)).isTrue();
    assertThat(Files.getAttribute(restored, "unix:uid")).isEqualTo(1000);
    try (Stream<Path> left = Files.list(fresh)) {
      // the layer and the restorer's record of it (RestoredLayers); no scratch dir left
      assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("acme_deps", ".cnbfarm");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("caches")
  void anUnchangedSecondExportReusesEveryLayerAndUploadsNothing(String kind, CacheKind caches) throws IOException {
    export(caches.open(dir, FailureCode.EXPORT_ERROR));
    reporter.clear();
    store.reset();
    CacheExport.Result second = export(caches.open(dir, FailureCode.EXPORT_ERROR));
    assertThat(reporter.lines()).containsExactly("Reusing cache layer 'acme/deps:dep'", "Reusing cache layer 'acme/deps:tools'");
    assertThat(second.layers()).allMatch(e -> e.put().reused());
    assertThat(store.uploads()).isZero();
    assertThat(store.pulled()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("caches")
  void aChangedLayerIsAddedAndTheOtherReused(String kind, CacheKind caches) throws IOException {
    export(caches.open(dir, FailureCode.EXPORT_ERROR));
    Files.writeString(layers.resolve("acme_deps/tools/t.txt"), "tools 2\n");
    reporter.clear();
    store.reset();
    CacheExport.Result second = export(caches.open(dir, FailureCode.EXPORT_ERROR));
    assertThat(reporter.lines()).containsExactly("Reusing cache layer 'acme/deps:dep'", "Adding cache layer 'acme/deps:tools'");
    if (!kind.equals("dir")) {
      assertThat(second.count(BlobPush.Outcome.UPLOADED)).isEqualTo(1);
    }
    BuildCache third = caches.open(dir, FailureCode.RESTORE_ERROR);
    Digest tools = Digest.parse(third.metadata().layersOf("acme/deps").get("tools").sha());
    third.restore(tools, dir.resolve("fresh"), "acme_deps", "tools");
    assertThat(Files.readString(dir.resolve("fresh/acme_deps/tools/t.txt"))).isEqualTo("tools 2\n");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("caches")
  void aLayerTheCacheDoesNotHoldIsRefusedAndLeavesNothing(String kind, CacheKind caches) throws IOException {
    export(caches.open(dir, FailureCode.EXPORT_ERROR));
    BuildCache cache = caches.open(dir, FailureCode.RESTORE_ERROR);
    Digest missing = Digest.of("nothing".getBytes());
    assertThatThrownBy(() -> cache.restore(missing, dir.resolve("fresh"), "acme_deps", "dep"))
        .isInstanceOf(CacheReadException.class).hasMessageContaining("failed to find cache layer with SHA '" + missing);
    assertThat(dir.resolve("fresh/acme_deps/dep")).doesNotExist();
  }

  @org.junit.jupiter.api.Test
  void aCorruptCachedTarIsRefusedOnRestoreAndNotReusedOnExport() throws IOException {
    Supplier<BuildCache> open = () -> VolumeCache.open(dir.resolve("cache"), FailureCode.EXPORT_ERROR);
    Files.createDirectories(dir.resolve("cache"));
    export(open.get());
    BuildCache cache = open.get();
    String sha = cache.metadata().layersOf("acme/deps").get("tools").sha();
    Path tar = dir.resolve("cache/committed/" + sha + ".tar");
    byte[] bytes = Files.readAllBytes(tar);
    bytes[600] ^= 1; // inside the first file's content
    Files.write(tar, bytes);

    assertThatThrownBy(() -> cache.restore(Digest.parse(sha), dir.resolve("fresh"), "acme_deps", "tools"))
        .isInstanceOf(CacheReadException.class).hasMessageContaining("expected layer contents to have SHA '" + sha);
    assertThat(dir.resolve("fresh/acme_deps/tools")).doesNotExist();

    reporter.clear();
    export(open.get());
    assertThat(reporter.lines()).contains("Adding cache layer 'acme/deps:tools'")
        .anyMatch(l -> l.startsWith("WARN Skipping reuse for layer acme/deps:tools: expected layer contents"));
    assertThat(Files.readAllBytes(tar)).isNotEqualTo(bytes);
  }

  @org.junit.jupiter.api.Test
  void aCacheImageBlobThatIsGoneOrAlteredIsRefusedOnRestoreAndLeavesNothing() throws IOException {
    ImageRef ref = ImageRef.parse("oci:" + dir.resolve("cache-oci") + ":cache");
    export(ImageCache.open(store, ref));
    Image image = store.read(ref);
    Digest dep = Digest.parse(CacheMetadata.parseOrEmpty(image.config().labels().get(CacheMetadata.LABEL))
        .layersOf("acme/deps").get("dep").sha());
    Path blob = dir.resolve("cache-oci/blobs/sha256").resolve(
        image.manifest().layers().get(image.config().diffIds().indexOf(dep)).digest().hex());

    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length - 9] ^= 1; // in the gzip trailer: every tar byte arrives, the blob's digest is off
    Files.write(blob, bytes);
    assertThatThrownBy(() -> ImageCache.open(store, ref).restore(dep, dir.resolve("fresh"), "acme_deps", "dep"))
        .isInstanceOf(CacheReadException.class).hasMessageContaining("failed to get cache layer with SHA '" + dep);
    assertThat(dir.resolve("fresh/acme_deps/dep")).doesNotExist();

    Files.delete(blob);
    assertThatThrownBy(() -> ImageCache.open(store, ref).restore(dep, dir.resolve("fresh"), "acme_deps", "dep"))
        .isInstanceOf(CacheReadException.class).hasMessageContaining("failed to get cache layer with SHA '" + dep);
    assertThat(dir.resolve("fresh/acme_deps/dep")).doesNotExist();
  }

  @org.junit.jupiter.api.Test
  void aMissingCacheDirIsAnErrorWithThePhasesCode() {
    assertThatThrownBy(() -> VolumeCache.open(dir.resolve("nope"), FailureCode.RESTORE_ERROR))
        .hasMessage("cache dir " + dir.resolve("nope") + " does not exist");
  }

  @org.junit.jupiter.api.Test
  void theDirLayoutIsTheReferences() throws IOException {
    Files.createDirectories(dir.resolve("cache"));
    export(VolumeCache.open(dir.resolve("cache"), FailureCode.EXPORT_ERROR));
    try (Stream<Path> files = Files.list(dir.resolve("cache/committed"))) {
      assertThat(files.map(p -> p.getFileName().toString())).hasSize(3)
          .contains(CacheMetadata.LABEL).filteredOn(n -> n.endsWith(".tar")).allMatch(n -> n.matches("sha256:[0-9a-f]{64}\\.tar"));
    }
    assertThat(dir.resolve("cache/staging")).doesNotExist();
    assertThat(Files.readString(dir.resolve("cache/committed/" + CacheMetadata.LABEL)))
        .startsWith("{\"buildpacks\":[{\"key\":\"acme/deps\",\"layers\":{\"dep\":{\"build\":false,\"cache\":true,\"data\":{\"version\":\"1.0\"},\"launch\":true,\"sha\":\"sha256:");
  }

  @org.junit.jupiter.api.Test
  void theCacheImageCarriesTheMetadataLabelAndOneLayerPerCachedLayer() throws IOException {
    ImageRef ref = ImageRef.parse(registry.host() + "/cache/label:latest");
    export(ImageCache.open(store, ref));
    Image image = store.read(ref);
    assertThat(image.manifest().layers()).hasSize(2);
    assertThat(CacheMetadata.parseOrEmpty(image.config().labels().get(CacheMetadata.LABEL)).layersOf("acme/deps"))
        .containsOnlyKeys("dep", "tools");
  }
}
