package dev.cnbfarm.engine.extend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.Manifest;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.image.store.RegistryImageStore;
import dev.cnbfarm.image.store.RegistrySettings;
import dev.cnbfarm.image.testing.FaultyRegistry;
import dev.cnbfarm.image.testing.FaultyRegistry.Fault;
import dev.cnbfarm.image.testing.FakeImageStore;
import dev.cnbfarm.image.testing.FakeImageStore.Op;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.failure.CancelledException;
import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.CnbfarmException;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.Failures;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.engine.testing.TestInputs;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How registry failures come out of the extender phase (issue 7 items 4 and 11), with a fake
 * {@link ImageStore} and once with the {@link FaultyRegistry} over real HTTP: no sandbox (the
 * failures come before any Dockerfile step). What the CLI and the worker loop see is {@link Failures#classify} of the
 * thrown failure with the phase's code.
 */
class ExtenderPhaseFailureTest {
  static final ImageRef RUN_IMAGE = ImageRef.parse("registry.test/run:1");
  @TempDir Path layers;
  @TempDir Path cache;
  final FakeImageStore store = new FakeImageStore();

  @BeforeEach
  void givenAnAnalyzedRunImageAndAGroup() throws IOException {
    store.add(RUN_IMAGE, Files.createDirectories(cache.resolve("images")), Map.of("etc-release", "fake\n"));
    Files.writeString(layers.resolve("analyzed.toml"), "[run-image]\nreference = \"" + RUN_IMAGE + "\"\nextend = true\n");
    Files.writeString(layers.resolve("group.toml"), "[[group]]\nid = \"bp/a\"\nversion = \"1\"\napi = \"0.10\"\n");
    Files.createDirectories(layers.resolve("app"));
  }

  private LifecycleException extendFails() {
    return extendFails(store);
  }

  private LifecycleException extendFails(ImageStore images) {
    Map<String, String> flags = Map.of("kind", "run", "layers", layers.toString(), "app", layers.resolve("app").toString());
    Throwable thrown = catchThrowable(() -> TestInputs.of(flags, Map.of(), ApiVersion.of(0, 13)).runExtender(images,
        new ExtendWorkspace(cache.resolve("workspace"), Map.of()), Reporter.NONE, Duration.ofMinutes(1)));
    assertThat(thrown).as("the phase throws one of our failures, never a raw library error")
        .isInstanceOf(CnbfarmException.class);
    return Failures.classify(thrown, FailureCode.EXTEND_ERROR);
  }

  @Test
  void aRegistry503ReadingTheBaseImageKeepsExitCode102AndStaysRetryable() {
    store.answering(Op.READ, 503);

    LifecycleException failure = extendFails();

    assertThat(failure.code().exitCode()).isEqualTo(102);
    assertThat(failure.category()).isEqualTo(Category.INFRA);
    assertThat(failure.retryable()).isTrue();
    assertThat(failure.getMessage()).startsWith("cannot read " + RUN_IMAGE + ": ").contains("HTTP 503");
  }

  @Test
  void aBlobThatAnswers503AfterTheManifestWasReadGivesARetryableExtendFailure() {
    store.answering(Op.PULL_BLOB, 503);

    LifecycleException failure = extendFails();

    assertThat(store.calls()).first().asString().startsWith("READ ");
    assertThat(store.calls()).anySatisfy(c -> assertThat(c).startsWith("PULL_BLOB sha256:"));
    assertThat(failure.code()).isEqualTo(FailureCode.EXTEND_ERROR);
    assertThat(failure.category()).isEqualTo(Category.INFRA);
    assertThat(failure.retryable()).isTrue();
    assertThat(failure.getMessage()).contains("HTTP 503");
  }

  @Test
  void aStoreThatRefusesOurCredentialsGivesAUserFailure() {
    store.answering(Op.READ, 401);

    LifecycleException failure = extendFails();

    assertThat(failure.code().exitCode()).isEqualTo(102);
    assertThat(failure.category()).isEqualTo(Category.USER);
    assertThat(failure.retryable()).isFalse();
    assertThat(failure.getMessage()).contains("denied (HTTP 401)");
  }

  @Test
  void aMissingRunImageGivesAUserFailureNamingTheImage() throws IOException {
    Files.writeString(layers.resolve("analyzed.toml"), "[run-image]\nreference = \"registry.test/gone:1\"\n");

    LifecycleException failure = extendFails();

    assertThat(failure.code().exitCode()).isEqualTo(102);
    assertThat(failure.category()).isEqualTo(Category.USER);
    assertThat(failure.getMessage()).isEqualTo("cannot read registry.test/gone:1: read registry.test/gone:1: not found");
  }

  @Test
  void aBlobPullRefusedWith401MidExtendIsAUserFailure() {
    store.answering(Op.PULL_BLOB, 401);

    LifecycleException failure = extendFails();

    assertThat(failure.code().exitCode()).isEqualTo(102);
    assertThat(failure.category()).isEqualTo(Category.USER);
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aRealRegistryThatAnswers503ToALayerAfterTheManifestGivesARetryableExtendFailure() throws IOException {
    byte[] config = ImageConfig.empty(Platform.LINUX_AMD64)
        .withLayer(Digest.of("layer".getBytes(StandardCharsets.UTF_8)), new ImageConfig.History("", "l", "", false))
        .toJson();
    Descriptor layer = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.of("gone".getBytes(StandardCharsets.UTF_8)), 4);
    Manifest manifest = Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(config), config.length), List.of(layer));
    try (FaultyRegistry registry = FaultyRegistry.start(Fault.UNAVAILABLE_BLOB)
        .serving(manifest.toJson(), MediaTypes.OCI_MANIFEST, Map.of(Digest.of(config).value(), config))) {
      Files.writeString(layers.resolve("analyzed.toml"), "[run-image]\nreference = \"" + registry.host() + "/run:1\"\n");
      ImageStore real = RegistryImageStore.of(RegistrySettings.defaults().withDockerConfig(cache.resolve("config.json"))
          .withRetries(3, Duration.ofMillis(20)).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2),
              Duration.ofSeconds(20)));

      LifecycleException failure = extendFails(real);

      assertThat(failure.code().exitCode()).isEqualTo(102);
      assertThat(failure.category()).as(failure.getMessage()).isEqualTo(Category.INFRA);
      assertThat(failure.retryable()).isTrue();
      assertThat(failure.getMessage()).contains(layer.digest().value()).contains("HTTP 503").contains("3 attempt");
    }
  }

  @Test
  void anInterruptWhilePullingALayerCancelsTheExtendWithoutARetry() {
    store.failing(Op.PULL_BLOB, () -> new CancelledException("pull blob x", new InterruptedException()));

    LifecycleException failure = extendFails();

    assertThat(failure.code().exitCode()).isEqualTo(102);
    assertThat(failure.category()).isEqualTo(Category.CANCELLED);
    assertThat(failure.retryable()).isFalse();
    assertThat(failure.getMessage()).isEqualTo("pull blob x interrupted");
  }
}
