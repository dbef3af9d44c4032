package dev.cnbfarm.engine.detect;

import static dev.cnbfarm.engine.detect.DetectorPhaseDetectTest.dump;
import static dev.cnbfarm.engine.detect.DetectorPhaseExtensionsTest.order;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.lifecycle.platform.Plan;
import dev.cnbfarm.engine.testing.BuildpackFixture;
import dev.cnbfarm.engine.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The environment {@code /bin/detect} runs in, through {@link DetectorPhase} with real shell
 * scripts: its arguments, env vars and working dir, the build plan path, the platform's PATH,
 * and the build-config env rules (buildpack.md "Phase #1: Detection"; platform.md "detector").
 */
class DetectorPhaseEnvironmentTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void runsDetectWithSpecArgumentsEnvironmentAndWorkingDir(String api) {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of("ext/a")))
        .env("HOME", "/home/cnb").env("SECRET_TOKEN", "do-not-leak").platformEnv("USER_VAR", "from-user");
    BuildpackFixture bp = fx.buildpack("bp/a").detect(dump(fx, "bp"));
    BuildpackFixture ext = fx.extension("ext/a").detect(dump(fx, "ext"));

    fx.detect(api);

    Map<String, String> bpEnv = Fixtures.envDump(fx.logFile("bp.env"));
    assertThat(bpEnv).containsEntry("CNB_BUILDPACK_DIR", bp.dir().toString())
        .containsEntry("CNB_PLATFORM_DIR", fx.platform().toString())
        .containsEntry("HOME", "/home/cnb").containsEntry("USER_VAR", "from-user")
        .doesNotContainKeys("SECRET_TOKEN", "CNB_EXTENSION_DIR", "CNB_OUTPUT_DIR", "CNB_EXPERIMENTAL_MODE");
    assertThat(Fixtures.read(fx.logFile("bp.args")).strip())
        .isEqualTo(fx.platform() + " " + bpEnv.get("CNB_BUILD_PLAN_PATH"));
    assertThat(Fixtures.read(fx.logFile("bp.pwd")).strip()).isEqualTo(fx.app().toString());

    Map<String, String> extEnv = Fixtures.envDump(fx.logFile("ext.env"));
    assertThat(extEnv).containsEntry("CNB_EXTENSION_DIR", ext.dir().toString())
        .containsEntry("CNB_PLATFORM_DIR", fx.platform().toString()).containsKey("CNB_BUILD_PLAN_PATH")
        .doesNotContainKeys("CNB_BUILDPACK_DIR", "SECRET_TOKEN");
    assertThat(extEnv.get("CNB_BUILD_PLAN_PATH")).isNotEqualTo(bpEnv.get("CNB_BUILD_PLAN_PATH"));
    assertThat(Fixtures.read(fx.logFile("ext.pwd")).strip()).isEqualTo(fx.app().toString());
  }

  @Test
  void readsThePlanFromTheBuildPlanPath() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of()));
    fx.buildpack("bp/a").detect("printf '[[provides]]\\nname = \"p\"\\n[[requires]]\\nname = \"p\"\\n' > \"$2\"");

    fx.detect("0.13");

    assertThat(Plan.read(fx.planPath()).entries()).hasSize(1);
  }

  @Test
  void prependsAPlatformPathToTheLifecyclePath() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of())).platformEnv("PATH", "/opt/user/bin");
    fx.buildpack("bp/a").detect("echo \"$PATH\" > '" + fx.logFile("path") + "'");

    fx.detect("0.13");

    assertThat(Fixtures.read(fx.logFile("path")).strip()).isEqualTo("/opt/user/bin:/usr/local/bin:/usr/bin:/bin");
  }

  @Test
  void appliesBuildConfigEnvRulesAfterThePlatformEnvAndHonoursClearEnv() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a", "bp/clear"), List.of()))
        .platformEnv("APPENDED", "user").platformEnv("PREPENDED", "user").platformEnv("OVERRIDDEN", "user")
        .platformEnv("DEFAULTED", "user")
        .buildConfigEnv("APPENDED.append", "op").buildConfigEnv("APPENDED.delim", ":")
        .buildConfigEnv("PREPENDED.prepend", "op").buildConfigEnv("PREPENDED.delim", ",")
        .buildConfigEnv("OVERRIDDEN.override", "op").buildConfigEnv("DEFAULTED.default", "op")
        .buildConfigEnv("FRESH.default", "op").buildConfigEnv("PLAIN", "op");
    fx.buildpack("bp/a").detect(dump(fx, "bp"));
    fx.buildpack("bp/clear").clearEnv().detect(dump(fx, "clear"));

    fx.detect("0.13");

    assertThat(Fixtures.envDump(fx.logFile("bp.env"))).contains(Map.entry("APPENDED", "user:op"),
        Map.entry("PREPENDED", "op,user"), Map.entry("OVERRIDDEN", "op"), Map.entry("DEFAULTED", "user"),
        Map.entry("FRESH", "op"), Map.entry("PLAIN", "op"));
    assertThat(Fixtures.envDump(fx.logFile("clear.env"))).contains(Map.entry("APPENDED", "op"),
        Map.entry("PREPENDED", "op"), Map.entry("OVERRIDDEN", "op"), Map.entry("DEFAULTED", "op"),
        Map.entry("FRESH", "op"));
  }

  @Test
  void aPlainBuildConfigEnvFileIsADefaultThatThePlatformEnvWins() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of()))
        .platformEnv("CHOSEN", "user").buildConfigEnv("CHOSEN", "op")
        .platformEnv("FORCED", "user").buildConfigEnv("FORCED.override", "op");
    fx.buildpack("bp/a").detect(dump(fx, "bp"));

    fx.detect("0.13");

    assertThat(Fixtures.envDump(fx.logFile("bp.env"))).contains(Map.entry("CHOSEN", "user"),
        Map.entry("FORCED", "op"));
  }
}
