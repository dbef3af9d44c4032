package dev.cnbfarm.image.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SandboxSpecTest {
  private static final SandboxRoot ROOT = SandboxRoot.directory(Path.of("/srv/root"));

  @Test
  void builderListsEveryMissingRequiredFieldAtOnce() {
    assertThatThrownBy(() -> SandboxSpec.builder().build())
        .hasMessage("sandbox spec is missing root, command, user, network");
  }

  @Test
  void dockerfileRunDefaultsToRootAndTheHostNetwork() {
    SandboxSpec spec = SandboxSpec.dockerfileRun(ROOT, SandboxCommand.shell("true")).build();

    assertThat(spec.user()).isEqualTo(SandboxUser.ROOT);
    assertThat(spec.network()).isEqualTo(NetworkMode.HOST);
    assertThat(spec.env()).isEmpty();
    assertThat(spec.workingDir()).isEqualTo("/");
    assertThat(spec.timeLimit()).isEqualTo(Duration.ofMinutes(30));
    assertThat(spec.command().argv()).containsExactly("/bin/sh", "-c", "true");
  }

  @Test
  void copiesTheEnvSoLaterChangesDoNotLeakIn() {
    Map<String, String> env = new LinkedHashMap<>(Map.of("B", "2", "A", "1"));
    SandboxSpec spec = SandboxSpec.dockerfileRun(ROOT, SandboxCommand.exec("x")).env(env).build();
    env.put("C", "3");

    assertThat(spec.env()).containsExactly(Map.entry("A", "1"), Map.entry("B", "2"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "A=B", "NUL\0"})
  void rejectsInvalidEnvNames(String name) {
    assertThatThrownBy(
            () -> SandboxSpec.dockerfileRun(ROOT, SandboxCommand.exec("x")).env(name, "v").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("env var name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"relative", "/a/../etc", "/proc/x", "/dev", "/"})
  void rejectsBindTargetsOutsideTheRulesForMountPoints(String target) {
    assertThatThrownBy(
            () ->
                SandboxSpec.dockerfileRun(ROOT, SandboxCommand.exec("x"))
                    .bind(BindMount.readOnly(Path.of("/tmp"), target))
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsNestedBindTargets() {
    assertThatThrownBy(
            () ->
                SandboxSpec.dockerfileRun(ROOT, SandboxCommand.exec("x"))
                    .bind(BindMount.readWrite(Path.of("/tmp/a"), "/workspace"))
                    .bind(BindMount.readOnly(Path.of("/tmp/b"), "/workspace/sub"))
                    .build())
        .hasMessageContaining("nested");
  }

  @Test
  void normalizesPathsInsideTheRoot() {
    SandboxSpec spec =
        SandboxSpec.dockerfileRun(ROOT, SandboxCommand.exec("x"))
            .workingDir("//app/./src/")
            .bind(BindMount.readOnly(Path.of("/tmp"), "/layers//"))
            .build();

    assertThat(spec.workingDir()).isEqualTo("/app/src");
    assertThat(spec.binds()).extracting(BindMount::target).containsExactly("/layers");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-lead", "has space", "under_score"})
  void rejectsInvalidHostnames(String hostname) {
    assertThatThrownBy(
            () ->
                SandboxSpec.dockerfileRun(ROOT, SandboxCommand.exec("x"))
                    .hostname(hostname)
                    .build())
        .hasMessageContaining("hostname");
  }

  @Test
  void rejectsANonPositiveTimeLimit() {
    assertThatThrownBy(
            () ->
                SandboxSpec.dockerfileRun(ROOT, SandboxCommand.exec("x"))
                    .timeLimit(Duration.ZERO)
                    .build())
        .hasMessageContaining("time limit");
  }

  @Test
  void shellFormAppendsTheScriptToTheConfiguredShell() {
    assertThat(SandboxCommand.shell(List.of("/bin/bash", "-eo", "pipefail", "-c"), "a | b").argv())
        .containsExactly("/bin/bash", "-eo", "pipefail", "-c", "a | b");
  }
}
