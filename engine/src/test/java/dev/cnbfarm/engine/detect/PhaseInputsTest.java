package dev.cnbfarm.engine.detect;

import dev.cnbfarm.lifecycle.phase.PhaseFlag;
import dev.cnbfarm.lifecycle.phase.PhaseInputs;
import static dev.cnbfarm.engine.detect.DetectorPhaseExtensionsTest.order;
import static dev.cnbfarm.engine.testing.Fixtures.exitCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.engine.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the detector phase finds its inputs and outputs: flag, then {@code CNB_*} env var, then default. */
class PhaseInputsTest {
  @TempDir Path tmp;

  @Test
  void prefersTheFlagOverTheEnvVarOverTheDefault() {
    PhaseInputs in = new PhaseInputs(Map.of("group", "/flag/group.toml", "layers", "/l"),
        Map.of("CNB_GROUP_PATH", "/env/group.toml", "CNB_PLAN_PATH", "/env/plan.toml"), ApiVersion.parse("0.13"));

    assertThat(PhaseFlag.GROUP.path(in)).isEqualTo(Path.of("/flag/group.toml"));
    assertThat(PhaseFlag.PLAN.path(in)).isEqualTo(Path.of("/env/plan.toml"));
    assertThat(PhaseFlag.ANALYZED.path(in)).isEqualTo(Path.of("/l/analyzed.toml"));
  }

  @Test
  void writesOutputsUnderTheLayersDirByDefault() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of("ext/a")))
        .flag("group", null).flag("plan", null).flag("generated", null).flag("analyzed", null);
    fx.buildpack("bp/a").passes();
    fx.extension("ext/a").generates("run.Dockerfile", "ARG base_image\nFROM ${base_image}\nRUN true");

    fx.detect("0.13");

    assertThat(fx.layers().resolve("group.toml")).exists();
    assertThat(fx.layers().resolve("plan.toml")).exists();
    assertThat(fx.layers().resolve("analyzed.toml")).exists();
    assertThat(fx.layers().resolve("generated/ext_a/run.Dockerfile")).exists();
  }

  @Test
  void readsOrderTomlFromTheLayersDirWhenPresentAndNoFlagOrEnvSaysOtherwise() {
    Fixtures fx = Fixtures.in(tmp).flag("order", null);
    fx.buildpack("bp/a").passes();
    Path layersOrder = fx.layers().resolve("order.toml");
    writeString(layersOrder, order(List.of("bp/a"), List.of()));

    assertThat(exitCode(fx.detect("0.13"))).isZero();
  }

  @Test
  void refusesTheRunFlagBeforePlatform012AsInvalidArgs() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of()));
    fx.buildpack("bp/a").passes();

    assertThatThrownBy(() -> fx.detect("0.11")).isInstanceOfSatisfying(LifecycleException.class,
        e -> assertThat(e.code().exitCode()).isEqualTo(3));
  }

  @Test
  void refusesAMissingAppDirAsInvalidArgs() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of())).flag("app", tmp.resolve("nope").toString());
    fx.buildpack("bp/a").passes();

    assertThatThrownBy(() -> fx.detect("0.13")).isInstanceOfSatisfying(LifecycleException.class, e -> {
      assertThat(e.code()).isEqualTo(FailureCode.INVALID_ARGS);
      assertThat(e.getMessage()).contains("nope");
    });
  }

  private static void writeString(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
