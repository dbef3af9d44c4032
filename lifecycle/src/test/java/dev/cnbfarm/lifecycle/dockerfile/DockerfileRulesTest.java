package dev.cnbfarm.lifecycle.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DockerfileRulesTest {
  private static final String BUILD = "/layers/generated/samples_vim/build.Dockerfile";
  private static final String RUN = "/layers/generated/samples_curl/run.Dockerfile";
  private static final ApiVersion BP_0_9 = ApiVersion.parse("0.9");
  private static final ApiVersion BP_0_10 = ApiVersion.parse("0.10");

  private static DockerfileCheck build(String text) {
    return DockerfileRules.checkBuild(DockerfileParser.parse(text.replace("|", "\n"), BUILD));
  }

  private static DockerfileCheck run(String text, ApiVersion api) {
    return DockerfileRules.checkRun(DockerfileParser.parse(text.replace("|", "\n"), RUN), api);
  }

  // ---- build.Dockerfile

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ARG base_image|FROM ${base_image}",
        "ARG base_image=0|FROM ${base_image}|RUN apt-get install -y vim",
        "ARG base_image|FROM $base_image|USER root",
        "# syntax=docker/dockerfile:1|ARG base_image|from ${base_image}",
        "ARG base_image|FROM ${base_image} AS ext|ARG build_id=0|RUN echo ${build_id}",
        "ARG base_image|FROM ${base_image}|ADD a /b|ARG x|COPY a /b|ENV a=b|LABEL a=b|RUN x"
            + "|SHELL [\"/bin/sh\", \"-c\"]|USER ${user_id}:${group_id}|WORKDIR /w",
      })
  void acceptsValidBuildDockerfiles(String text) {
    DockerfileCheck check = build(text);

    assertThat(check.warnings()).isEmpty();
    assertThat(check.extend()).isTrue();
    assertThat(check.switches()).isFalse();
    assertThat(check.switchTo()).isEmpty();
  }

  @CsvSource(
      delimiter = ';',
      value = {
        "ARG base_image|FROM ${base_image}|FROM other;"
            + " build.Dockerfile is not permitted to use multistage build (line 3)",
        "ARG base_image|FROM ${base_image} AS a|RUN x|FROM ${base_image};"
            + " build.Dockerfile is not permitted to use multistage build (line 4)",
        "FROM ${base_image}; build.Dockerfile did not start with required ARG command (line 1)",
        "ARG other|FROM ${base_image}; build.Dockerfile did not start with required ARG command"
            + " (line 1)",
        "ARG base_image|ARG build_id=0|FROM ${base_image};"
            + " build.Dockerfile did not start with required ARG command (line 2)",
        "ARG base_image build_id|FROM ${base_image};"
            + " build.Dockerfile did not start with required ARG command (line 1)",
        "ARG base_image; build.Dockerfile should have at least one stage",
        "ARG base_image|FROM ubuntu:jammy;"
            + " build.Dockerfile did not contain required FROM ${base_image} command (line 2)",
        "ARG base_image|FROM ${base_image}:tag;"
            + " build.Dockerfile did not contain required FROM ${base_image} command (line 2)",
        "ARG base_image|FROM ${base_image} AS;"
            + " dockerfile parse error on line 2: FROM requires either one or three arguments",
      })
  @ParameterizedTest
  void rejectsInvalidBuildDockerfiles(String text, String message) {
    assertThatThrownBy(() -> build(text))
        .isInstanceOfSatisfying(
            InvalidDockerfileException.class,
            e -> assertThat(e.code()).isEqualTo(FailureCode.GENERATE_ERROR))
        .hasMessage(BUILD + ": " + message);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "CMD [\"x\"]",
        "EXPOSE 8080",
        "ENTRYPOINT [\"x\"]",
        "HEALTHCHECK NONE",
        "VOLUME /v",
        "ONBUILD RUN x",
        "STOPSIGNAL SIGTERM",
        "MAINTAINER me"
      })
  void warnsAboutNotRecommendedInstructionsInBuildDockerfile(String instruction) {
    DockerfileCheck check = build("ARG base_image|FROM ${base_image}|RUN x|" + instruction);

    String keyword = instruction.split(" ")[0];
    assertThat(check.warnings())
        .containsExactly(BUILD + " command " + keyword + " on line 4 is not recommended");
  }

  @Test
  void warnsOncePerNotRecommendedInstructionNamingEachLine() {
    DockerfileCheck check = build("ARG base_image|FROM ${base_image}|CMD x|# c||expose 80");

    assertThat(check.warnings())
        .containsExactly(
            BUILD + " command CMD on line 3 is not recommended",
            BUILD + " command EXPOSE on line 6 is not recommended");
  }

  // ---- run.Dockerfile, Buildpack API 0.10+

  @CsvSource(
      delimiter = ';',
      value = {
        // text; switchTo ('' = none); extend
        "ARG base_image|FROM ${base_image}|RUN apt-get install curl; ''; true",
        "ARG base_image|FROM $base_image|LABEL io.buildpacks.rebasable=true; ''; true",
        "FROM ${base_image}; ''; false",
        "FROM registry.example/run:jammy; registry.example/run:jammy; false",
        "FROM run@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef;"
            + " run@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef; false",
        "ARG base_image|FROM other/run:1|COPY --from=${base_image} /etc/a /etc/a; other/run:1;"
            + " true",
        "FROM other/run:1 AS switched|USER 1000; other/run:1; true",
        "FROM --platform=linux/amd64 other/run:1; other/run:1; false",
        "FROM other/run:1|ARG build_id=0; other/run:1; true",
      })
  @ParameterizedTest
  void classifiesRunDockerfileAsSwitchExtendOrBoth(String text, String switchTo, boolean extend) {
    DockerfileCheck check = run(text, BP_0_10);

    assertThat(check.newBase()).isEqualTo(switchTo);
    assertThat(check.switches()).isEqualTo(!switchTo.isEmpty());
    assertThat(check.switchTo().orElse("")).isEqualTo(switchTo);
    assertThat(check.extend()).isEqualTo(extend);
    assertThat(check.warnings()).isEmpty();
  }

  @CsvSource(
      delimiter = ';',
      value = {
        "FROM a|FROM b; run.Dockerfile is not permitted to use multistage build (line 2)",
        "ARG base_image|FROM ${base_image} AS a|FROM a;"
            + " run.Dockerfile is not permitted to use multistage build (line 3)",
        "ARG base_image; run.Dockerfile should have at least one stage",
        "FROM a b; dockerfile parse error on line 1: FROM requires either one or three arguments",
      })
  @ParameterizedTest
  void rejectsInvalidRunDockerfiles(String text, String message) {
    assertThatThrownBy(() -> run(text, BP_0_10))
        .isInstanceOf(InvalidDockerfileException.class)
        .hasMessage(RUN + ": " + message);
  }

  @Test
  void warnsAboutNotRecommendedInstructionsInRunDockerfile() {
    DockerfileCheck check = run("FROM other/run|ENTRYPOINT [\"/x\"]|HEALTHCHECK CMD x", BP_0_10);

    assertThat(check.warnings())
        .containsExactly(
            RUN + " command ENTRYPOINT on line 2 is not recommended",
            RUN + " command HEALTHCHECK on line 3 is not recommended");
    assertThat(check.extend()).isTrue();
  }

  // ---- run.Dockerfile, Buildpack API 0.9 (switch only)

  @ParameterizedTest
  @ValueSource(strings = {"FROM registry/other-run:tag", "# a comment||FROM other@sha256:abc"})
  void acceptsSwitchOnlyRunDockerfileBefore010(String text) {
    DockerfileCheck check = run(text, BP_0_9);

    assertThat(check.switches()).isTrue();
    assertThat(check.extend()).isFalse();
    assertThat(check.newBase()).startsWith(text.contains("abc") ? "other@" : "registry/");
  }

  @CsvSource(
      delimiter = ';',
      value = {
        "ARG base_image|FROM registry/run; run.Dockerfile should not expect arguments (line 1)",
        "FROM registry/run|RUN x;"
            + " run.Dockerfile is not permitted to have instructions other than FROM (line 2)",
        "FROM registry/run|CMD x;"
            + " run.Dockerfile is not permitted to have instructions other than FROM (line 2)",
        "FROM ${base_image}; run.Dockerfile must name a concrete image in FROM"
            + " (build args need Buildpack API 0.10 or later) (line 1)",
        "FROM a|FROM b; run.Dockerfile is not permitted to use multistage build (line 2)",
      })
  @ParameterizedTest
  void rejectsRunDockerfileThatDoesMoreThanSwitchBefore010(String text, String message) {
    assertThatThrownBy(() -> run(text, BP_0_9))
        .isInstanceOf(InvalidDockerfileException.class)
        .hasMessage(RUN + ": " + message);
  }

  @Test
  void appliesExtendRulesFromBuildpackApi010On() {
    String text = "ARG base_image|FROM ${base_image}|RUN x";

    assertThatThrownBy(() -> run(text, BP_0_9)).isInstanceOf(InvalidDockerfileException.class);
    assertThat(run(text, ApiVersion.parse("0.11")).extend()).isTrue();
  }
}
