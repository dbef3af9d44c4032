package dev.cnbfarm.engine.detect;

import static dev.cnbfarm.engine.detect.DetectorPhaseExtensionsTest.order;
import static dev.cnbfarm.engine.testing.Fixtures.exitCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.engine.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The experimental gate on image extensions before Platform API 0.13, through the whole detector
 * phase (platform.md "Experimental Features"; extensions.md §2.2, §12 #27; decisions.md #15).
 */
class ExperimentalGateTest {
  @TempDir Path tmp;

  private Fixtures withExtensions(String mode) {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of("ext/a"))).env("CNB_EXPERIMENTAL_MODE", mode);
    fx.buildpack("bp/a").passes();
    fx.extension("ext/a").passes();
    return fx;
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "error"})
  void refusesExtensionsBeforePlatform013UnlessExperimentalModeAllowsIt(String mode) {
    for (String api : List.of("0.10", "0.11", "0.12")) {
      Fixtures fx = withExtensions(mode);
      if (api.equals("0.10")) {
        fx.flag("build-config", null);
      }
      fx.flag("run", null);

      assertThatThrownBy(() -> fx.detect(api)).isInstanceOfSatisfying(LifecycleException.class, e -> {
        assertThat(e.code()).isEqualTo(FailureCode.GENERIC);
        assertThat(e.getMessage()).contains("experimental feature 'Dockerfiles'").contains(api);
      });
      assertThat(fx.runs()).isEmpty();
    }
  }

  @Test
  void warnsWhenExperimentalModeIsWarn() {
    Fixtures fx = withExtensions("warn");

    assertThat(exitCode(fx.detect("0.12"))).isZero();
    assertThat(fx.reporter().warnLines()).containsExactly("Platform requested experimental feature 'Dockerfiles'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"silent", "quiet"})
  void saysNothingWhenExperimentalModeIsSilent(String mode) {
    Fixtures fx = withExtensions(mode);

    assertThat(exitCode(fx.detect("0.12"))).isZero();
    assertThat(fx.reporter().warnLines()).isEmpty();
  }

  @Test
  void refusesAnUnknownExperimentalModeAsInvalidArgs() {
    Fixtures fx = withExtensions("loud");

    assertThatThrownBy(() -> fx.detect("0.12")).isInstanceOfSatisfying(LifecycleException.class,
        e -> assertThat(e.code().exitCode()).isEqualTo(3));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"error", "warn"})
  void hasNoGateFromPlatform013(String mode) {
    Fixtures fx = withExtensions(mode);

    assertThat(exitCode(fx.detect("0.13"))).isZero();
    assertThat(fx.reporter().warnLines()).isEmpty();
  }

  @Test
  void hasNoGateWithoutExtensionsInTheOrder() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of())).env("CNB_EXPERIMENTAL_MODE", null);
    fx.buildpack("bp/a").passes();

    assertThat(exitCode(fx.detect("0.12"))).isZero();
    assertThat(fx.reporter().warnLines()).isEmpty();
  }
}
