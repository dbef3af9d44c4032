package dev.cnbfarm.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.report.Reporter;
import dev.cnbfarm.schemas.BuildSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rebuild defaults of a build request: previous image the target, cache next to the target. */
class BuildRequestOptionsTest {
  @TempDir Path dir;
  BuildRequestOptions options = new BuildRequestOptions();

  @BeforeEach
  void request() throws IOException {
    options.builder = "oci:" + dir.resolve("builders") + ":b";
    options.app = Files.createDirectories(dir.resolve("app"));
    Files.writeString(options.app.resolve("main.txt"), "the app\n");
  }

  private BuildSpec spec() throws IOException {
    return options.toSpec(new OciLayoutImageStore(), Files.createDirectories(dir.resolve("scratch")), Reporter.NONE);
  }

  @Test
  void anOciTargetDefaultsToItselfAsPreviousImageAndACacheDirPerTagNextToTheLayout() throws IOException {
    options.image = "oci:" + dir.resolve("images") + ":app";

    BuildSpec spec = spec();

    assertThat(spec.getPreviousImage()).isEqualTo(spec.getTargetImage());
    assertThat(spec.getCacheImage()).isNull();
    assertThat(spec.getCacheDir()).isEqualTo(dir.resolve("images.cache/app").toString());
    assertThat(spec.getClearCache()).isFalse();
  }

  @Test
  void aRegistryTargetsCacheImageIsItsRepositoryTaggedWithCache() {
    assertThat(BuildRequestOptions.defaultCacheImage(dev.cnbfarm.image.ref.RegistryRef.parse(
        "127.0.0.1:5000/team/app:1.2")).toString()).isEqualTo("127.0.0.1:5000/team/app:1.2-cache");
  }

  @Test
  void givenFlagsWinOverTheDefaults() throws IOException {
    options.image = "oci:" + dir.resolve("images") + ":app";
    options.previousImage = "oci:" + dir.resolve("images") + ":old";
    options.cacheImage = "oci:" + dir.resolve("caches") + ":app";
    options.clearCache = true;

    BuildSpec spec = spec();

    assertThat(spec.getPreviousImage()).endsWith("images:old");
    assertThat(spec.getCacheImage()).endsWith("caches:app");
    assertThat(spec.getCacheDir()).isNull();
    assertThat(spec.getClearCache()).isTrue();
  }

  @Test
  void aCacheImageAndACacheDirTogetherAreRefused() {
    options.image = "oci:" + dir.resolve("images") + ":app";
    options.cacheImage = "oci:" + dir.resolve("caches") + ":app";
    options.cacheDir = dir.resolve("cache");

    assertThatThrownBy(this::spec).isInstanceOf(LifecycleException.class)
        .hasMessage("--cache-image and --cache-dir exclude each other");
  }
}
