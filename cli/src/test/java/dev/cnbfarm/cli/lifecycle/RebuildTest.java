package dev.cnbfarm.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.CountingImageStore;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.RegistryImageStore;
import dev.cnbfarm.image.store.RegistrySettings;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.BusyboxRunImage;
import dev.cnbfarm.image.testing.LocalRegistry;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A rebuild through the lifecycle commands, detector → restorer → builder → exporter, each build
 * in a fresh {@code <layers>} as a platform gives it: with the build cache (a dir or an image in
 * the registry) the second build restores the {@code launch = true, cache = true} and {@code build
 * = true, cache = true} layers, the buildpack reuses them, the image digest is the same and no
 * blob is uploaded; without the cache it rebuilds them to the same image.
 */
class RebuildTest {
  @TempDir static Path shared;
  static LocalRegistry registry;
  static CountingImageStore store;
  static Image run;

  @TempDir Path dir;
  Path buildpacks;
  Path order;
  Path app;
  Path platform;
  Path layers;
  int repo;

  @BeforeAll
  static void runImageInRegistry() throws IOException {
    registry = LocalRegistry.start();
    store = new CountingImageStore(
        new RoutingImageStore(new OciLayoutImageStore(), RegistryImageStore.of(RegistrySettings.defaults())));
    run = BusyboxRunImage.copy(store, BusyboxRunImage.write(shared, "true"),
        ImageRef.parse(registry.host() + "/rebuild/run:base"), shared);
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @BeforeEach
  void workspace() throws IOException {
    buildpacks = dir.resolve("cnb/buildpacks");
    order = RebuildFixture.write(buildpacks, dir.resolve("cnb"));
    app = Files.createDirectories(dir.resolve("workspace"));
    Files.writeString(app.resolve("main.txt"), "the app\n");
    platform = Files.createDirectories(dir.resolve("platform"));
    Files.writeString(dir.resolve("run.toml"), "[[images]]\nimage = \"" + registry.host() + "/rebuild/run\"\n");
    Files.writeString(dir.resolve("launcher"), "#!/bin/sh\nexec \"$@\"\n");
    layers = dir.resolve("layers");
  }

  /** What one build printed and wrote. */
  record Build(String output, String digest, int uploads) {}

  static Stream<Arguments> caches() {
    return Stream.of(Arguments.of("dir"), Arguments.of("registry image"));
  }

  private List<String> cacheFlags(String kind, String name) throws IOException {
    if (kind.equals("dir")) {
      return List.of("-cache-dir", Files.createDirectories(dir.resolve(name)).toString());
    }
    return List.of("-cache-image", registry.host() + "/rebuild/" + name + "-" + dir.getFileName().toString()
        .toLowerCase().replaceAll("[^a-z0-9]", "") + ":cache");
  }

  /** One build in a fresh {@code <layers>}, as a platform runs it. */
  private Build build(String image, List<String> cache) throws IOException {
    FileTrees.deleteRecursively(layers);
    Files.createDirectories(layers);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Map<String, String> env = new HashMap<>(Map.of("PATH", "/usr/bin:/bin", "CNB_PLATFORM_API", "0.14"));
    List<String> common = List.of("-layers", layers.toString(), "-log-level", "info");
    // the previous image is the target, as `cnbfarm build` and the reference's creator have it
    assertThat(new AnalyzerCommand(env, out, hosts -> store).run(args(common, "-run-image", run.pinnedRef().toString(),
        "-previous-image", image, image))).as(bytes.toString()).isZero();
    assertThat(new DetectorCommand(env, out).run(args(common, "-app", app.toString(), "-buildpacks",
        buildpacks.toString(), "-order", order.toString(), "-platform", platform.toString(), "-run",
        dir.resolve("run.toml").toString()))).as(bytes.toString()).isZero();
    assertThat(new RestorerCommand(env, out, hosts -> store).run(args(common, cache, "-uid", "1000", "-gid", "1000")))
        .as(bytes.toString()).isZero();
    assertThat(new BuilderCommand(env, out).run(args(common, "-app", app.toString(), "-buildpacks",
        buildpacks.toString(), "-platform", platform.toString()))).as(bytes.toString()).isZero();
    store.reset();
    assertThat(new ExporterCommand(env, out, () -> store).run(args(common, cache, "-app", app.toString(), "-launcher",
        dir.resolve("launcher").toString(), "-run", dir.resolve("run.toml").toString(), "-uid", "1000", "-gid",
        "1000", image))).as(bytes.toString()).isZero();
    return new Build(bytes.toString(StandardCharsets.UTF_8), store.read(ImageRef.parse(image)).manifestDigest().value(),
        store.uploads());
  }

  private static String[] args(List<String> common, Object... more) {
    List<String> all = new ArrayList<>(common);
    for (Object m : more) {
      if (m instanceof List<?> l) {
        l.forEach(x -> all.add((String) x));
      } else {
        all.add((String) m);
      }
    }
    return all.toArray(String[]::new);
  }

  private String image(String tag) {
    return registry.host() + "/rebuild/app-" + dir.getFileName().toString().toLowerCase().replaceAll("[^a-z0-9]", "")
        + ":" + tag;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("caches")
  void aSecondBuildRestoresBothCachedLayersRebuildsNothingAndUploadsNothing(String kind) throws IOException {
    List<String> cache = cacheFlags(kind, "cache");
    Build first = build(image("1"), cache);
    assertThat(first.output()).contains("installing dep 1.0", "installing tools 1",
        "Adding cache layer 'cnbfarm/deps:dep'", "Adding cache layer 'cnbfarm/deps:tools'");
    if (!kind.equals("dir")) {
      // a cache dir always has its committed dir (the reference makes it when it opens the cache)
      assertThat(first.output()).contains("Layer cache not found");
    }
    assertThat(first.uploads()).isPositive();

    Build second = build(image("1"), cache);
    // a launch layer's metadata comes from the previous app image, a cache-only one's from the cache
    assertThat(second.output()).contains("Restoring metadata for \"cnbfarm/deps:dep\" from app image",
        "Restoring metadata for \"cnbfarm/deps:tools\" from cache",
        "Restoring data for \"cnbfarm/deps:dep\" from cache", "Restoring data for \"cnbfarm/deps:tools\" from cache",
        "reusing dep 1.0", "reusing tools 1", "Reusing cache layer 'cnbfarm/deps:dep'",
        "Reusing cache layer 'cnbfarm/deps:tools'").doesNotContain("installing", "Adding cache layer");
    assertThat(second.digest()).isEqualTo(first.digest());
    assertThat(second.uploads()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("caches")
  void withTheCacheGoneTheLayersAreRebuiltToTheSameImage(String kind) throws IOException {
    Build first = build(image("2"), cacheFlags(kind, "cache"));
    Build cold = build(image("2"), cacheFlags(kind, "fresh-cache"));
    assertThat(cold.output()).contains("installing dep 1.0", "installing tools 1", "Adding cache layer 'cnbfarm/deps:dep'")
        .doesNotContain("reusing");
    assertThat(cold.digest()).isEqualTo(first.digest());
    // the app image's blobs are all there; a new cache image gets the tools layer (the dep layer is
    // mounted from the app image's repository)
    assertThat(cold.uploads()).isEqualTo(kind.equals("dir") ? 0 : 1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("caches")
  void aNewDependencyVersionIsInstalledAgainWhileTheToolsAreReused(String kind) throws IOException {
    List<String> cache = cacheFlags(kind, "cache");
    Build first = build(image("3"), cache);
    Files.createDirectories(platform.resolve("env"));
    Files.writeString(platform.resolve("env/DEP_VERSION"), "2.0");
    Build second = build(image("3"), cache);
    assertThat(second.output()).contains("installing dep 2.0", "reusing tools 1", "Adding cache layer 'cnbfarm/deps:dep'",
        "Reusing cache layer 'cnbfarm/deps:tools'");
    assertThat(second.digest()).isNotEqualTo(first.digest());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("caches")
  void storeTomlComesBackThroughThePreviousImage(String kind) throws IOException {
    List<String> cache = cacheFlags(kind, "cache");
    Build first = build(image("7"), cache);
    assertThat(first.output()).doesNotContain("store had");
    assertThat(store.read(ImageRef.parse(image("7"))).config().labels().get("io.buildpacks.lifecycle.metadata"))
        .contains("\"store\":{\"metadata\":{\"dep-version\":\"1.0\"}}");
    Files.createDirectories(platform.resolve("env"));
    Files.writeString(platform.resolve("env/DEP_VERSION"), "2.0");
    Build second = build(image("7"), cache);
    assertThat(second.output()).contains("store had: dep-version = \"1.0\"");
    Build third = build(image("7"), cache);
    assertThat(third.output()).contains("store had: dep-version = \"2.0\"");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("caches")
  void anUntouchedRestoredLayerIsReusedFromThePreviousImageWithoutATar(String kind) throws IOException {
    List<String> cache = cacheFlags(kind, "cache");
    build(image("5"), cache);
    Build second = build(image("5"), cache);
    assertThat(second.output()).contains("reusing dep 1.0", "Reusing layer 'cnbfarm/deps:dep'", "dep says: dep 1.0");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("caches")
  void aLayerChangedAfterTheRestoreKeepingItsSizeAndMtimeIsExportedAndCachedWithItsNewContents(String kind)
      throws IOException {
    List<String> cache = cacheFlags(kind, "cache");
    Build first = build(image("6"), cache);
    Files.createDirectories(platform.resolve("env"));
    Files.writeString(platform.resolve("env/DEP_PATCH"), "yes");
    Build patched = build(image("6"), cache);
    assertThat(patched.output()).contains("reusing dep 1.0", "patching dep 1.0", "dep says: DEP 1.0",
        "Adding layer 'cnbfarm/deps:dep'", "Adding cache layer 'cnbfarm/deps:dep'");
    assertThat(patched.digest()).isNotEqualTo(first.digest());
    assertThat(patched.uploads()).isPositive();
    Files.delete(platform.resolve("env/DEP_PATCH"));
    Build after = build(image("6"), cache);
    assertThat(after.output()).contains("reusing dep 1.0", "dep says: DEP 1.0", "Reusing layer 'cnbfarm/deps:dep'");
    assertThat(after.digest()).isEqualTo(patched.digest());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("caches")
  void withoutTheRestorerTheBuildpackInstallsAgain(String kind) throws IOException {
    Build first = build(image("4"), cacheFlags(kind, "cache"));
    assertThat(first.output()).contains("installing dep 1.0");
    // the same cache, but a restorer given no cache flag: nothing comes back
    Build second = build(image("4"), List.of());
    assertThat(second.output()).contains("installing dep 1.0", "installing tools 1");
    assertThat(second.digest()).isEqualTo(first.digest());
  }
}
