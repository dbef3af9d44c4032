package dev.cnbfarm.lifecycle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which Platform and Buildpack APIs the lifecycle accepts (decisions.md, last paragraph). */
class SupportedApisTest {
  @ParameterizedTest
  @ValueSource(strings = {"0.10", "0.11", "0.12", "0.13"})
  void acceptsThePlatformApisItImplements(String api) {
    assertThat(SupportedApis.platform(api)).isEqualTo(ApiVersion.parse(api));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.9", "0.3", "1.0", "0.99", "banana", "", "0.1.2"})
  void refusesAnUnsupportedPlatformApiWithExit11(String api) {
    assertThatThrownBy(() -> SupportedApis.platform(api)).isInstanceOfSatisfying(LifecycleException.class, e -> {
      assertThat(e.code()).isEqualTo(FailureCode.INCOMPATIBLE_PLATFORM_API);
      assertThat(e.code().exitCode()).isEqualTo(11);
      assertThat(e.getMessage()).contains("'" + api + "'");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.7", "0.8", "0.9", "0.10", "0.11", "0.12"})
  void acceptsTheBuildpackApisItImplements(String api) {
    assertThat(SupportedApis.buildpack(api, "buildpack.toml")).isEqualTo(ApiVersion.parse(api));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.6", "0.13", "0.2", "1.0", "x"})
  void refusesAnUnsupportedBuildpackApiWithExit12NamingTheModule(String api) {
    assertThatThrownBy(() -> SupportedApis.buildpack(api, "/cnb/extensions/e/1/extension.toml"))
        .isInstanceOfSatisfying(LifecycleException.class, e -> {
          assertThat(e.code().exitCode()).isEqualTo(12);
          assertThat(e.getMessage()).startsWith("/cnb/extensions/e/1/extension.toml: ");
        });
  }

  @Test
  void defaultsToAPlatformApiItSupports() {
    assertThat(SupportedApis.PLATFORM).contains(SupportedApis.DEFAULT_PLATFORM);
  }
}
