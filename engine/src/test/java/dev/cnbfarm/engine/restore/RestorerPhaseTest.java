package dev.cnbfarm.engine.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.engine.PlatformDirectory;
import dev.cnbfarm.image.cache.BuildCache;
import dev.cnbfarm.image.cache.CacheExport;
import dev.cnbfarm.image.cache.VolumeCache;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.report.Reporter;
import dev.cnbfarm.lifecycle.testing.RecordingReporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restorer against a real cache dir written by the exporter's cache step: which layer tomls it
 * writes (app image metadata from analyzed.toml, cache metadata, the Platform API 0.14 rule) and
 * which contents it restores (only from the cache, only when the digest matches).
 */
class RestorerPhaseTest {
  @TempDir Path dir;
  Path layers;
  Path cacheDir;
  final RecordingReporter reporter = new RecordingReporter();
  String depSha;

  @BeforeEach
  void aCacheFromAnEarlierBuild() throws IOException {
    Path built = dir.resolve("built");
    Files.createDirectories(built.resolve("acme_deps/dep"));
    Files.writeString(built.resolve("acme_deps/dep/lib.so"), "dep 1.0\n");
    Files.writeString(built.resolve("acme_deps/dep.toml"), "[types]\nlaunch = true\ncache = true\n[metadata]\nversion = \"1.0\"\n");
    Files.createDirectories(built.resolve("acme_deps/tools"));
    Files.writeString(built.resolve("acme_deps/tools/t"), "tools\n");
    Files.writeString(built.resolve("acme_deps/tools.toml"), "[types]\nbuild = true\ncache = true\n[metadata]\nv = \"1\"\n");
    cacheDir = Files.createDirectories(dir.resolve("cache"));
    new CacheExport(Reporter.NONE).write(VolumeCache.open(cacheDir, FailureCode.EXPORT_ERROR), built,
        List.of(new GroupEntry("acme/deps", "1.0", "0.10", "")), 1000, 1000, Optional.empty());
    depSha = VolumeCache.open(cacheDir, FailureCode.RESTORE_ERROR).metadata().layersOf("acme/deps").get("dep").sha();
    layers = Files.createDirectories(dir.resolve("layers"));
    Files.writeString(layers.resolve("group.toml"), "[[group]]\nid = \"acme/deps\"\nversion = \"1.0\"\napi = \"0.10\"\n");
  }

  private void analyzed(String appDepSha) throws IOException {
    Files.writeString(layers.resolve("analyzed.toml"), "[run-image]\nreference = \"oci:/nowhere@sha256:" + "0".repeat(64)
        + "\"\n[metadata]\n[[metadata.buildpacks]]\nkey = \"acme/deps\"\nversion = \"1.0\"\n"
        + "[metadata.buildpacks.layers.dep]\nsha = \"" + appDepSha + "\"\nlaunch = true\ncache = true\n"
        + "[metadata.buildpacks.layers.dep.metadata]\nversion = \"1.0\"\n"
        + "[metadata.buildpacks.layers.web]\nsha = \"sha256:" + "1".repeat(64) + "\"\nlaunch = true\n"
        + "[metadata.buildpacks.store.metadata]\nruns = 3\n");
  }

  private void restore(String platformApi) {
    BuildCache cache = VolumeCache.open(cacheDir, FailureCode.RESTORE_ERROR);
    new RestorerPhase(new OciLayoutImageStore(), new PlatformDirectory(layers.resolve("group.toml"),
        layers.resolve("plan.toml"), layers.resolve("analyzed.toml"), layers.resolve("generated"),
        layers.resolve("extended"), layers.resolve("report.toml")), reporter)
        .run(new RestoreInputs(ApiVersion.parse(platformApi), layers, false, Optional.empty(), OptionalInt.empty(),
            OptionalInt.empty()), Optional.of(cache));
  }

  @Test
  void restoresAppImageMetadataAndCacheContentsWhenTheDigestsMatch() throws IOException {
    analyzed(depSha);
    restore("0.13");
    assertThat(reporter.lines()).contains("Restoring metadata for \"acme/deps:dep\" from app image",
        "Restoring metadata for \"acme/deps:web\" from app image",
        "Restoring metadata for \"acme/deps:tools\" from cache",
        "Restoring data for \"acme/deps:dep\" from cache", "Restoring data for \"acme/deps:tools\" from cache");
    assertThat(Files.readString(layers.resolve("acme_deps/dep/lib.so"))).isEqualTo("dep 1.0\n");
    assertThat(Files.readString(layers.resolve("acme_deps/tools/t"))).isEqualTo("tools\n");
    // only [metadata]: the buildpack opts in again through [types]
    assertThat(Files.readString(layers.resolve("acme_deps/dep.toml"))).contains("version = \"1.0\"").doesNotContain("types");
    assertThat(layers.resolve("acme_deps/web.toml")).exists();
    assertThat(layers.resolve("acme_deps/web")).doesNotExist();
    assertThat(Files.readString(layers.resolve("acme_deps/store.toml"))).contains("runs = 3");
  }

  @Test
  void aLayerWhoseCachedDigestDiffersFromTheAppImagesIsRemovedNotRestored() throws IOException {
    analyzed("sha256:" + "2".repeat(64));
    restore("0.13");
    assertThat(reporter.lines()).contains("Removing \"acme/deps:dep\", wrong sha", "Restoring data for \"acme/deps:tools\" from cache")
        .doesNotContain("Restoring data for \"acme/deps:dep\" from cache");
    assertThat(layers.resolve("acme_deps/dep")).doesNotExist();
    assertThat(layers.resolve("acme_deps/dep.toml")).doesNotExist();
  }

  @Test
  void fromPlatform014ALaunchCacheLayerMissingFromTheAppImageIsRestoredFromTheCache() throws IOException {
    restore("0.14");
    assertThat(reporter.lines()).contains("Restoring metadata for \"acme/deps:dep\" from cache",
        "Restoring data for \"acme/deps:dep\" from cache");
    assertThat(layers.resolve("acme_deps/dep/lib.so")).exists();
  }

  @Test
  void before014ALaunchCacheLayerMissingFromTheAppImageIsNotRestored() {
    restore("0.13");
    assertThat(reporter.lines()).doesNotContain("Restoring data for \"acme/deps:dep\" from cache")
        .contains("Restoring data for \"acme/deps:tools\" from cache");
    assertThat(layers.resolve("acme_deps/dep")).doesNotExist();
    assertThat(layers.resolve("acme_deps/dep.toml")).doesNotExist();
  }

  @Test
  void skipLayersRestoresNothing() throws IOException {
    analyzed(depSha);
    BuildCache cache = VolumeCache.open(cacheDir, FailureCode.RESTORE_ERROR);
    new RestorerPhase(new OciLayoutImageStore(), new PlatformDirectory(layers.resolve("group.toml"),
        layers.resolve("plan.toml"), layers.resolve("analyzed.toml"), layers.resolve("generated"),
        layers.resolve("extended"), layers.resolve("report.toml")), reporter)
        .run(new RestoreInputs(ApiVersion.parse("0.14"), layers, true, Optional.empty(), OptionalInt.empty(),
            OptionalInt.empty()), Optional.of(cache));
    assertThat(reporter.lines()).contains("Skipping buildpack layer analysis");
    assertThat(layers.resolve("acme_deps/dep")).doesNotExist();
  }
}
