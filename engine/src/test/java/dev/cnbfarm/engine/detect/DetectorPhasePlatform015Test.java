package dev.cnbfarm.engine.detect;

import static dev.cnbfarm.engine.detect.DetectorPhaseDetectTest.dump;
import static dev.cnbfarm.engine.detect.DetectorPhaseExtensionsTest.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.engine.testing.Fixtures;
import dev.cnbfarm.lifecycle.detect.DetectOutcome;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What Platform API 0.15 adds to the detector (platform.md 0.15; the reference's
 * phase/hermetic_factory.go and phase/detector.go): system buildpacks from {@code system.toml}
 * ({@code -system} / {@code CNB_SYSTEM_PATH}) and execution environments ({@code CNB_EXEC_ENV}),
 * and that 0.10–0.14 ignore both as the reference does.
 */
class DetectorPhasePlatform015Test {
  @TempDir Path tmp;

  private static final String SYSTEM = """
      [system.pre]
      buildpacks = [{ id = "sys/pre", version = "1.0.0" }]
      [system.post]
      buildpacks = [{ id = "sys/post", version = "1.0.0" }, { id = "sys/maybe", version = "1.0.0", optional = true }]
      """;

  private Fixtures systemFixture() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a", "sys/post"), List.of()));
    fx.buildpack("bp/a");
    fx.buildpack("sys/pre");
    fx.buildpack("sys/post");
    fx.buildpack("sys/maybe").fails();
    writeSystem();
    return fx.flag("system", tmp.resolve("custom/system.toml").toString());
  }

  @Test
  void systemBuildpacksArePrependedAndAppendedToEveryGroupUnlessTheGroupHasThem() {
    Fixtures fx = systemFixture();

    DetectOutcome outcome = fx.detect("0.15");

    assertThat(ids(outcome)).containsExactly("sys/pre", "bp/a", "sys/post");
    assertThat(fx.runs()).contains("buildpack:sys/maybe detect");
  }

  @Test
  void theSystemPathComesFromCnbSystemPathWhenTheFlagIsAbsent() {
    Fixtures fx = systemFixture().flag("system", null).env("CNB_SYSTEM_PATH", tmp.resolve("custom/system.toml")
        .toString());

    assertThat(ids(fx.detect("0.15"))).containsExactly("sys/pre", "bp/a", "sys/post");
  }

  @Test
  void aRequiredSystemBuildpackThatFailsFailsTheGroup() {
    Fixtures fx = systemFixture();
    fx.buildpack("sys/pre").fails();

    assertThat(fx.detect("0.15")).isInstanceOf(DetectOutcome.NotDetected.class);
  }

  @Test
  void aMissingSystemTomlMeansNoSystemBuildpacks() {
    Fixtures fx = systemFixture().flag("system", tmp.resolve("absent.toml").toString());

    assertThat(ids(fx.detect("0.15"))).containsExactly("bp/a", "sys/post");
  }

  private Fixtures execEnvFixture() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/prod", "bp/test", "bp/any", "bp/none", "bp/old"),
        List.of()));
    fx.buildpack("bp/prod").api("0.12").descriptor("exec-env = [\"production\"]").detect(dump(fx, "prod"));
    fx.buildpack("bp/test").api("0.12").descriptor("exec-env = [\"test\", \"development\"]");
    fx.buildpack("bp/any").api("0.12").descriptor("exec-env = [\"*\"]");
    fx.buildpack("bp/none").api("0.12");
    // before Buildpack API 0.12 exec-env means nothing
    fx.buildpack("bp/old").api("0.11").descriptor("exec-env = [\"test\"]").detect(dump(fx, "old"));
    return fx;
  }

  @Test
  void modulesMadeForAnotherExecutionEnvironmentAreLeftOutOfTheGroup() {
    Fixtures fx = execEnvFixture().env("CNB_EXEC_ENV", "test");

    DetectOutcome outcome = fx.detect("0.15");

    assertThat(ids(outcome)).containsExactly("bp/test", "bp/any", "bp/none", "bp/old");
    assertThat(fx.runs()).doesNotContain("buildpack:bp/prod detect");
  }

  @Test
  void theExecutionEnvironmentIsProductionByDefault() {
    Fixtures fx = execEnvFixture();

    assertThat(ids(fx.detect("0.15"))).containsExactly("bp/prod", "bp/any", "bp/none", "bp/old");
    assertThat(Fixtures.envDump(fx.logFile("prod.env"))).containsEntry("CNB_EXEC_ENV", "production");
  }

  @Test
  void detectGetsCnbExecEnvFromBuildpackApi012Only() {
    Fixtures fx = execEnvFixture().env("CNB_EXEC_ENV", "production");

    fx.detect("0.15");

    assertThat(Fixtures.envDump(fx.logFile("prod.env"))).containsEntry("CNB_EXEC_ENV", "production");
    assertThat(Fixtures.envDump(fx.logFile("old.env"))).doesNotContainKey("CNB_EXEC_ENV");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.10", "0.11", "0.12", "0.13", "0.14"})
  void beforePlatformApi015SystemTomlAndExecEnvAreIgnored(String api) {
    Fixtures fx = execEnvFixture().env("CNB_EXEC_ENV", "test").env("CNB_SYSTEM_PATH",
        tmp.resolve("custom/system.toml").toString());
    fx.buildpack("sys/pre");
    writeSystem();

    DetectOutcome outcome = fx.newerFlagsAsEnv().detect(api);

    assertThat(ids(outcome)).containsExactly("bp/prod", "bp/test", "bp/any", "bp/none", "bp/old");
    // as the reference, /bin/detect of Buildpack API 0.12 still gets the variable
    assertThat(Fixtures.envDump(fx.logFile("prod.env"))).containsEntry("CNB_EXEC_ENV", "test");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.10", "0.14"})
  void theSystemFlagNeedsPlatformApi015(String api) {
    Fixtures fx = systemFixture().newerFlagsAsEnv();

    assertThatThrownBy(() -> fx.detect(api)).isInstanceOfSatisfying(LifecycleException.class,
        e -> assertThat(e.code()).isEqualTo(FailureCode.INVALID_ARGS));
  }

  private void writeSystem() {
    try {
      Files.createDirectories(tmp.resolve("custom"));
      Files.writeString(tmp.resolve("custom/system.toml"), SYSTEM);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> ids(DetectOutcome outcome) {
    assertThat(outcome).isInstanceOf(DetectOutcome.Detected.class);
    return ((DetectOutcome.Detected) outcome).buildpacks().stream().map(e -> e.module().id()).toList();
  }
}
