package dev.cnbfarm.image.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.testing.FakeImageStore;
import dev.cnbfarm.image.testing.FakeImageStore.Op;
import dev.cnbfarm.lifecycle.builder.BuilderConfig;
import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.CnbfarmException;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.Failures;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Store failures through {@code builder create} (exit 1): a 5xx stays retryable, a refusal is the user's. */
class BuilderCreatorStoreFailureTest {
  static final ImageRef BUILD_IMAGE = ImageRef.parse("registry.test/build:1");
  @TempDir Path dir;
  final FakeImageStore store = new FakeImageStore();
  BuilderConfig config;

  @BeforeEach
  void givenABuildImageAndOneBuildpack() throws IOException {
    store.add(BUILD_IMAGE, Files.createDirectories(dir.resolve("images")), Map.of("hello", "hi\n"),
        List.of("PATH=/bin", "CNB_USER_ID=1000", "CNB_GROUP_ID=1000"));
    Path bp = Files.createDirectories(dir.resolve("bps/hello/bin"));
    Files.writeString(bp.getParent().resolve("buildpack.toml"),
        "api = \"0.10\"\n\n[buildpack]\nid = \"samples/hello\"\nversion = \"0.0.1\"\n");
    for (String script : List.of("detect", "build")) {
      Files.writeString(bp.resolve(script), "#!/bin/sh\nexit 0\n");
      Files.setPosixFilePermissions(bp.resolve(script), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    config = BuilderConfig.read(Files.writeString(dir.resolve("builder.toml"), """
        [[buildpacks]]
        uri = "bps/hello"
        [[order]]
        [[order.group]]
        id = "samples/hello"
        [build]
        image = "%s"
        [[run.images]]
        image = "registry.test/run:1"
        """.formatted(BUILD_IMAGE)));
  }

  private LifecycleException createFails() {
    Throwable thrown = catchThrowable(() -> new BuilderCreator(store, Files.createDirectories(dir.resolve("scratch")),
        "1.0.0").create(config, ImageRef.parse("registry.test/builder:1")));
    assertThat(thrown).isInstanceOf(CnbfarmException.class);
    return Failures.classify(thrown, FailureCode.GENERIC);
  }

  @Test
  void aLayerUpload503AfterTheBuildImageWasReadIsRetryable() {
    store.answering(Op.PUSH_BLOB, 503);

    LifecycleException failure = createFails();

    assertThat(store.calls()).first().asString().isEqualTo("READ " + BUILD_IMAGE);
    assertThat(failure.category()).as(failure.getMessage()).isEqualTo(Category.INFRA);
    assertThat(failure.retryable()).isTrue();
    assertThat(failure.code().exitCode()).isEqualTo(1);
  }

  @Test
  void aBuildImageRefusedWith401IsAUserError() {
    store.answering(Op.READ, 401);

    LifecycleException failure = createFails();

    assertThat(failure.category()).isEqualTo(Category.USER);
    assertThat(failure.getMessage()).contains("denied (HTTP 401)");
  }

  @Test
  void aMissingBuildImageIsAUserErrorNamingIt() throws IOException {
    config = BuilderConfig.read(Files.writeString(dir.resolve("builder.toml"),
        Files.readString(dir.resolve("builder.toml")).replace(BUILD_IMAGE.toString(), "registry.test/gone:1")));

    LifecycleException failure = createFails();

    assertThat(failure.category()).isEqualTo(Category.USER);
    assertThat(failure.getMessage()).contains("registry.test/gone:1").contains("not found");
  }
}
