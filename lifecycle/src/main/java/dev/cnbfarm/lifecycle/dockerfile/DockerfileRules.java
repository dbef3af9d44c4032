package dev.cnbfarm.lifecycle.dockerfile;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The CNB rules for extension Dockerfiles, checked at generate time (extensions.md §3.5, §4.1,
 * §4.2; reference lifecycle {@code buildpack/dockerfile.go}). Breaking a rule throws {@link
 * InvalidDockerfileException} (exit 92); an instruction outside the recommended set is only a
 * warning. Every message names the file label and, where there is one, the line. Stateless and
 * thread-safe.
 */
public final class DockerfileRules {
  /** The spec's allowed instructions; the others are SHOULD NOT, so they warn. */
  private static final Set<String> RECOMMENDED =
      Set.of("FROM", "ADD", "ARG", "COPY", "ENV", "LABEL", "RUN", "SHELL", "USER", "WORKDIR");

  private static final String BASE_IMAGE = "base_image";

  private DockerfileRules() {}

  /**
   * Checks a {@code build.Dockerfile}: one stage, exactly one global {@code ARG base_image} (a
   * default is fine) and {@code FROM ${base_image}} ({@code $base_image} too, decision 13).
   */
  public static DockerfileCheck checkBuild(Dockerfile df) {
    String kind = "build.Dockerfile";
    List<Stage> stages = df.stages();
    rejectMultistage(df, kind, stages);
    requireBaseImageArg(df, kind, stages);
    Stage stage = requireOneStage(df, kind, stages);
    FromSpec from = FromSpec.parse(df, stage.from());
    if (!isBaseImage(from.image())) {
      throw fail(
          df, kind + " did not contain required FROM ${base_image} command", stage.from().line());
    }
    return new DockerfileCheck(warnings(df), "", true);
  }

  /**
   * Checks a {@code run.Dockerfile} for an extension of Buildpack API {@code extensionApi}. Before
   * 0.10 it may only switch: no global ARG, nothing but a concrete {@code FROM}. From 0.10 it
   * switches when {@code FROM} is not {@code ${base_image}} and extends when anything follows
   * {@code FROM}.
   */
  public static DockerfileCheck checkRun(Dockerfile df, ApiVersion extensionApi) {
    String kind = "run.Dockerfile";
    List<Stage> stages = df.stages();
    rejectMultistage(df, kind, stages);
    Stage stage = requireOneStage(df, kind, stages);
    FromSpec from = FromSpec.parse(df, stage.from());
    if (extensionApi.lessThan("0.10")) {
      return checkSwitchOnlyRun(df, kind, stage, from);
    }
    String newBase = isBaseImage(from.image()) ? "" : from.image();
    return new DockerfileCheck(warnings(df), newBase, !stage.body().isEmpty());
  }

  /** BP 0.9 "phase 1": the file is {@code FROM <image>} and nothing else. */
  private static DockerfileCheck checkSwitchOnlyRun(
      Dockerfile df, String kind, Stage stage, FromSpec from) {
    if (!df.globalArgs().isEmpty()) {
      throw fail(df, kind + " should not expect arguments", df.globalArgs().get(0).line());
    }
    if (!stage.body().isEmpty()) {
      throw fail(
          df,
          kind + " is not permitted to have instructions other than FROM",
          stage.body().get(0).line());
    }
    if (from.image().contains("$")) {
      throw fail(
          df,
          kind
              + " must name a concrete image in FROM (build args need Buildpack API 0.10 or"
              + " later)",
          stage.from().line());
    }
    return new DockerfileCheck(List.of(), from.image(), false);
  }

  private static void rejectMultistage(Dockerfile df, String kind, List<Stage> stages) {
    if (stages.size() > 1) {
      throw fail(
          df, kind + " is not permitted to use multistage build", stages.get(1).from().line());
    }
  }

  private static Stage requireOneStage(Dockerfile df, String kind, List<Stage> stages) {
    if (stages.isEmpty()) {
      throw new InvalidDockerfileException(
          df.label() + ": " + kind + " should have at least one stage");
    }
    return stages.get(0);
  }

  /** Exactly one global ARG instruction, declaring exactly one name: {@code base_image}. */
  private static void requireBaseImageArg(Dockerfile df, String kind, List<Stage> stages) {
    List<Instruction> globals = df.globalArgs();
    String message = kind + " did not start with required ARG command";
    if (globals.isEmpty()) {
      throw fail(df, message, stages.get(0).from().line());
    }
    List<ArgDeclaration> names = ArgDeclaration.parseAll(df, globals.get(0));
    if (names.size() != 1 || !names.get(0).name().equals(BASE_IMAGE)) {
      throw fail(df, message, globals.get(0).line());
    }
    if (globals.size() > 1) {
      throw fail(df, message, globals.get(1).line());
    }
  }

  /** Decision 13: {@code $base_image} means the same as {@code ${base_image}}. */
  private static boolean isBaseImage(String image) {
    return image.equals("${" + BASE_IMAGE + "}") || image.equals("$" + BASE_IMAGE);
  }

  private static List<String> warnings(Dockerfile df) {
    List<String> out = new ArrayList<>();
    for (Instruction i : df.instructions()) {
      if (!RECOMMENDED.contains(i.keyword())) {
        out.add(
            df.label()
                + " command "
                + i.keyword()
                + " on line "
                + i.line()
                + " is not recommended");
      }
    }
    return out;
  }

  private static InvalidDockerfileException fail(Dockerfile df, String message, int line) {
    return new InvalidDockerfileException(df.label() + ": " + message + " (line " + line + ")");
  }
}
