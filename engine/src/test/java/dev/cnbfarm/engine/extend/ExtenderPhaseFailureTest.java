package dev.cnbfarm.engine.extend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.testing.FakeImageStore;
import dev.cnbfarm.image.testing.FakeImageStore.Op;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.failure.CancelledException;
import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.CnbfarmException;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.Failures;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.phase.PhaseInputs;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How registry failures come out of the extender phase (issue 7 items 4 and 11), with a fake
 * {@link dev.cnbfarm.image.store.ImageStore}: no registry, no sandbox (the failures come before
 * any Dockerfile step). What the CLI and the worker loop see is {@link Failures#classify} of the
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
    Map<String, String> flags = Map.of("kind", "run", "layers", layers.toString(), "app", layers.resolve("app").toString());
    Throwable thrown = catchThrowable(() -> new ExtenderPhase(new PhaseInputs(flags, Map.of(), ApiVersion.of(0, 13)),
        store, new ExtendWorkspace(cache.resolve("workspace"), Map.of()), Reporter.NONE, Clock.systemUTC(),
        Duration.ofMinutes(1)).run());
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
  void anInterruptWhilePullingALayerCancelsTheExtendWithoutARetry() {
    store.failing(Op.PULL_BLOB, () -> new CancelledException("pull blob x", new InterruptedException()));

    LifecycleException failure = extendFails();

    assertThat(failure.code().exitCode()).isEqualTo(102);
    assertThat(failure.category()).isEqualTo(Category.CANCELLED);
    assertThat(failure.retryable()).isFalse();
    assertThat(failure.getMessage()).isEqualTo("pull blob x interrupted");
  }
}
