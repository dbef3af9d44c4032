package dev.cnbfarm.engine.detect;

import static dev.cnbfarm.engine.detect.DetectorPhaseExtensionsTest.order;
import static dev.cnbfarm.engine.testing.Fixtures.exitCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.engine.testing.BuildpackFixture;
import dev.cnbfarm.engine.testing.Fixtures;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generate step of the detector phase with real {@code /bin/generate} scripts
 * (lifecycle-reference.md §1.4(b), §2.3 G1–G5, G7; extensions.md §3; decisions.md #1, #2, #6,
 * #8).
 */
class DetectorPhaseGenerateTest {
  static final String BUILD_DOCKERFILE = "ARG base_image\nFROM ${base_image}\nRUN echo build";
  static final String RUN_EXTEND = "ARG base_image\nFROM ${base_image}\nRUN echo run";
  static final String TARGETED = """
      [run-image]
      image = "run:jammy"
      reference = "run@sha256:1111"
      [run-image.target]
      os = "linux"
      arch = "amd64"
      [run-image.target.distro]
      name = "ubuntu"
      version = "22.04"
      """;

  @TempDir Path tmp;

  /** One buildpack requiring x, one extension providing x. */
  private Fixtures extensionMeetingX(String extId) {
    Fixtures fx = Fixtures.in(tmp).analyzed(TARGETED).order(order(List.of("bp/a"), List.of(extId)));
    fx.buildpack("bp/a").plan("[[requires]]\nname = \"x\"\n[requires.metadata]\nversion = \"1.2\"");
    return fx;
  }

  private static LifecycleException thrown(Fixtures fx, String api) {
    try {
      fx.detect(api);
    } catch (LifecycleException e) {
      return e;
    }
    throw new AssertionError("expected the detector phase to fail");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void removesGeneratedOutputsOfAnEarlierRun(String api) throws java.io.IOException {
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x").generate("true");
    java.nio.file.Path stale = fx.generated().resolve("ext_old/build.Dockerfile");
    java.nio.file.Files.createDirectories(stale.getParent());
    java.nio.file.Files.writeString(stale, BUILD_DOCKERFILE);
    java.nio.file.Path staleOld = fx.generated().resolve("build/ext_old/Dockerfile");
    java.nio.file.Files.createDirectories(staleOld.getParent());
    java.nio.file.Files.writeString(staleOld, BUILD_DOCKERFILE);

    assertThat(exitCode(fx.detect(api))).isZero();

    assertThat(stale).doesNotExist();
    assertThat(staleOld).doesNotExist();
  }

  // ---- G1

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void runsGenerateWithSpecArgumentsEnvironmentAndWorkingDir(String api) {
    Fixtures fx = extensionMeetingX("ext/a").platformEnv("USER_VAR", "from-user");
    BuildpackFixture ext = fx.extension("ext/a").provides("x").generate(String.join("\n",
        "env > '" + fx.logFile("gen.env") + "'",
        "pwd > '" + fx.logFile("gen.pwd") + "'",
        "printf '%s\\n' \"$1\" \"$2\" \"$3\" > '" + fx.logFile("gen.args") + "'",
        "cp \"$3\" '" + fx.logFile("gen.plan.toml") + "'"));

    assertThat(exitCode(fx.detect(api))).isZero();

    List<String> args = Fixtures.read(fx.logFile("gen.args")).lines().toList();
    Map<String, String> env = Fixtures.envDump(fx.logFile("gen.env"));
    assertThat(args).hasSize(3);
    assertThat(env).containsEntry("CNB_OUTPUT_DIR", args.get(0))
        .containsEntry("CNB_PLATFORM_DIR", fx.platform().toString())
        .containsEntry("CNB_BP_PLAN_PATH", args.get(2))
        .containsEntry("CNB_EXTENSION_DIR", ext.dir().toString())
        .containsEntry("CNB_TARGET_OS", "linux").containsEntry("CNB_TARGET_ARCH", "amd64")
        .containsEntry("CNB_TARGET_DISTRO_NAME", "ubuntu").containsEntry("CNB_TARGET_DISTRO_VERSION", "22.04")
        .containsEntry("USER_VAR", "from-user")
        .doesNotContainKeys("CNB_BUILDPACK_DIR", "CNB_BUILD_PLAN_PATH", "CNB_LAYERS_DIR");
    assertThat(args.get(1)).isEqualTo(fx.platform().toString());
    assertThat(args.get(0)).endsWith("/ext_a");
    if (api.equals("0.13")) {
      assertThat(args.get(0)).isEqualTo(fx.generated().resolve("ext_a").toString());
    } else {
      assertThat(args.get(0)).doesNotStartWith(fx.generated().toString());
    }
    assertThat(Fixtures.read(fx.logFile("gen.pwd")).strip()).isEqualTo(fx.app().toString());
    TomlTable plan = Fixtures.toml(fx.logFile("gen.plan.toml"));
    assertThat(plan.tables("entries")).singleElement().satisfies(e -> {
      assertThat(e.requireString("name")).isEqualTo("x");
      assertThat(e.rawTable("metadata")).containsExactly(Map.entry("version", "1.2"));
    });
  }

  @Test
  void givesEachExtensionOnlyThePlanEntriesLeftByEarlierExtensions() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of("ext/first", "ext/second")));
    fx.buildpack("bp/a").plan("[[requires]]\nname = \"x\"\n[[requires]]\nname = \"y\"");
    fx.extension("ext/first").provides("x").generate("cp \"$3\" '" + fx.logFile("first.toml") + "'");
    fx.extension("ext/second").plan("[[provides]]\nname = \"x\"\n[[provides]]\nname = \"y\"")
        .generate("cp \"$3\" '" + fx.logFile("second.toml") + "'");

    fx.detect("0.13");

    assertThat(Fixtures.toml(fx.logFile("first.toml")).tables("entries")).extracting(t -> t.requireString("name"))
        .containsExactly("x");
    assertThat(Fixtures.toml(fx.logFile("second.toml")).tables("entries")).extracting(t -> t.requireString("name"))
        .containsExactly("y");
    assertThat(Fixtures.toml(fx.planPath()).tables("entries")).isEmpty();
    assertThat(fx.runs()).containsSubsequence("extension:ext/first generate", "extension:ext/second generate");
  }

  @Test
  void generatedDockerfileSymlinkToAHostFileIsRefusedNotCopied() throws java.io.IOException {
    Path secret = java.nio.file.Files.writeString(tmp.resolve("host-secret"), "ARG base_image\nFROM ${base_image}\nLABEL s=secret\n");
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x").generate("ln -s '" + secret + "' \"$CNB_OUTPUT_DIR/run.Dockerfile\"");

    LifecycleException e = thrown(fx, "0.13");

    assertThat(e.getMessage()).contains("run.Dockerfile", "is a symbolic link").doesNotContain("secret");
  }

  @Test
  void reportsWhatGeneratePrintsOnStdoutAndStderr() {
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x").generate("echo 'to stdout'\necho 'to stderr' >&2");

    fx.detect("0.13");

    assertThat(fx.reporter().infoLines()).contains("to stdout", "to stderr");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void failsWithExit91AndTheOutputWhenGenerateExitsNonZero(String api) {
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x").generate("echo 'apt said no' >&2\nexit 7");

    LifecycleException e = thrown(fx, api);

    assertThat(e.code()).isEqualTo(FailureCode.GENERATE_FAILED);
    assertThat(e.code().exitCode()).isEqualTo(91);
    assertThat(e.getMessage()).contains("ext/a@1.0.0").contains("exit code 7").contains("apt said no");
  }

  // ---- G2 / decisions #8

  @Test
  void copiesTheStaticGenerateDirIntoTheExtensionsGeneratedDirAtPlatform013() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of("ext/static")));
    fx.buildpack("bp/a").passes();
    fx.extension("ext/static").staticGenerate("build.Dockerfile", BUILD_DOCKERFILE)
        .staticGenerate("run.Dockerfile", RUN_EXTEND)
        .staticGenerate("extend-config.toml", "[[build.args]]\nname = \"v\"\nvalue = \"1\"\n");

    fx.detect("0.13");

    Path out = fx.generated().resolve("ext_static");
    assertThat(out.resolve("build.Dockerfile")).hasContent(BUILD_DOCKERFILE);
    assertThat(out.resolve("run.Dockerfile")).hasContent(RUN_EXTEND);
    assertThat(out.resolve("extend-config.toml")).exists();
    assertThat(Analyzed.read(fx.analyzedPath()).buildImageExtend()).isTrue();
    assertThat(Analyzed.read(fx.analyzedPath()).runImageExtend()).isTrue();
  }

  @Test
  void publishesTheStaticGenerateDirInTheOldLayoutBeforePlatform013() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of("ext/static")));
    fx.buildpack("bp/a").passes();
    fx.extension("ext/static").staticGenerate("build.Dockerfile", BUILD_DOCKERFILE)
        .staticGenerate("run.Dockerfile", RUN_EXTEND);

    fx.detect("0.12");

    assertThat(fx.generated().resolve("build/ext_static/Dockerfile")).hasContent(BUILD_DOCKERFILE);
    assertThat(fx.generated().resolve("run/ext_static/Dockerfile")).hasContent(RUN_EXTEND);
    assertThat(fx.generated().resolve("ext_static")).doesNotExist();
  }

  // ---- G3

  @ParameterizedTest
  @ValueSource(strings = {"build_id", "user_id", "group_id"})
  void rejectsAnExtendConfigSettingALifecycleArgWithExit92(String arg) {
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x").generates("build.Dockerfile", BUILD_DOCKERFILE)
        .generates("extend-config.toml", "[[build.args]]\nname = \"" + arg + "\"\nvalue = \"0\"");

    for (String api : List.of("0.12", "0.13")) {
      LifecycleException e = thrown(fx, api);
      assertThat(e.code().exitCode()).isEqualTo(92);
      assertThat(e.getMessage()).contains("extend-config.toml").contains("'" + arg + "' is not allowed");
    }
  }

  @Test
  void rejectsLifecycleArgsInRunArgsToo() {
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x").generates("run.Dockerfile", RUN_EXTEND)
        .generates("extend-config.toml", "[[run.args]]\nname = \"user_id\"\nvalue = \"0\"");

    assertThat(thrown(fx, "0.13").code()).isEqualTo(FailureCode.GENERATE_ERROR);
  }

  @Test
  void warnsThatAnExtendConfigBaseImageIsIgnored() {
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x").generates("build.Dockerfile", BUILD_DOCKERFILE)
        .generates("extend-config.toml", "[[build.args]]\nname = \"base_image\"\nvalue = \"evil\"");

    fx.detect("0.13");

    assertThat(fx.reporter().warnLines()).anySatisfy(l -> assertThat(l).contains("extend-config.toml")
        .contains("base_image"));
  }

  // ---- G4

  @ParameterizedTest
  @ValueSource(strings = {"context.run", "context.build"})
  void rejectsASharedContextTogetherWithAnImageSpecificOneWithExit92(String specific) {
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x").generates("run.Dockerfile", RUN_EXTEND)
        .generates("context/shared.txt", "s").generates(specific + "/only.txt", "o");

    for (String api : List.of("0.12", "0.13")) {
      LifecycleException e = thrown(fx, api);
      assertThat(e.code().exitCode()).isEqualTo(92);
      assertThat(e.getMessage()).contains("ext/a@1.0.0")
          .contains("image-specific context dir (context.build or context.run) is provided together with a shared context");
    }
  }

  @Test
  void keepsContextDirsNextToTheDockerfilesAtPlatform013() {
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x").generates("run.Dockerfile", RUN_EXTEND)
        .generates("context.run/etc/motd", "hello");

    fx.detect("0.13");

    assertThat(fx.generated().resolve("ext_a/context.run/etc/motd")).hasContent("hello");
    assertThat(fx.reporter().warnLines()).isEmpty();
  }

  @Test
  void warnsThatContextDirsAreIgnoredBeforePlatform013() {
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x").generates("run.Dockerfile", RUN_EXTEND)
        .generates("context/etc/motd", "hello");

    fx.detect("0.12");

    assertThat(fx.reporter().warnLines()).anySatisfy(l -> assertThat(l).contains("context dirs"));
  }

  // ---- G5

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void rejectsAMultiStageDockerfileNamingFileAndLine(String api) {
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x")
        .generates("build.Dockerfile", "ARG base_image\nFROM ${base_image}\nRUN true\nFROM ${base_image}\nRUN true");

    LifecycleException e = thrown(fx, api);

    assertThat(e.code().exitCode()).isEqualTo(92);
    assertThat(e.getMessage()).contains("build.Dockerfile: build.Dockerfile is not permitted to use multistage build")
        .contains("(line 4)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void rejectsAMultiStageRunDockerfile(String api) {
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x").generates("run.Dockerfile", "FROM a\nRUN true\nFROM b");

    LifecycleException e = thrown(fx, api);

    assertThat(e.code().exitCode()).isEqualTo(92);
    assertThat(e.getMessage()).contains("run.Dockerfile is not permitted to use multistage build").contains("(line 3)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"FROM ${base_image}\nRUN true", "FROM ubuntu:22.04\nRUN true", "ARG other\nFROM ${base_image}"})
  void rejectsABuildDockerfileWithoutTheBaseImagePreamble(String dockerfile) {
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x").generates("build.Dockerfile", dockerfile);

    LifecycleException e = thrown(fx, "0.13");

    assertThat(e.code()).isEqualTo(FailureCode.GENERATE_ERROR);
    assertThat(e.getMessage()).contains(fx.generated().resolve("ext_a/build.Dockerfile").toString())
        .contains("build.Dockerfile did not start with required ARG command").containsPattern("\\(line [12]\\)");
  }

  @Test
  void rejectsABuildDockerfileNotFromBaseImage() {
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x").generates("build.Dockerfile", "ARG base_image\nFROM ubuntu:22.04");

    LifecycleException e = thrown(fx, "0.13");

    assertThat(e.getMessage()).contains("did not contain required FROM ${base_image} command").contains("(line 2)");
  }

  @Test
  void rejectsAnUnparseableDockerfileNamingTheLine() {
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x").generates("run.Dockerfile", "ARG base_image\nFROM ${base_image}\nBOGUS x");

    LifecycleException e = thrown(fx, "0.13");

    assertThat(e.code().exitCode()).isEqualTo(92);
    assertThat(e.getMessage()).contains("run.Dockerfile").contains("line 3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void onlyWarnsAboutNonRecommendedInstructions(String api) {
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x")
        .generates("run.Dockerfile", "ARG base_image\nFROM ${base_image}\nCMD [\"/bin/app\"]")
        .generates("build.Dockerfile", "ARG base_image\nFROM ${base_image}\nRUN true\nEXPOSE 8080");

    assertThat(exitCode(fx.detect(api))).isZero();

    assertThat(fx.reporter().warnLines())
        .anySatisfy(l -> assertThat(l).endsWith("run.Dockerfile command CMD on line 3 is not recommended"))
        .anySatisfy(l -> assertThat(l).endsWith("build.Dockerfile command EXPOSE on line 4 is not recommended"));
  }

  // ---- G7

  @Test
  void writesTheOldGeneratedLayoutBeforePlatform013WithEscapedIds() {
    Fixtures fx = extensionMeetingX("acme/ext");
    fx.extension("acme/ext").provides("x").generates("build.Dockerfile", BUILD_DOCKERFILE)
        .generates("run.Dockerfile", RUN_EXTEND)
        .generates("extend-config.toml", "[[build.args]]\nname = \"v\"\nvalue = \"1\"");

    fx.detect("0.12");

    assertThat(fx.generated().resolve("build/acme_ext/Dockerfile")).hasContent(BUILD_DOCKERFILE);
    assertThat(fx.generated().resolve("build/acme_ext/extend-config.toml")).exists();
    assertThat(fx.generated().resolve("run/acme_ext/Dockerfile")).hasContent(RUN_EXTEND);
    assertThat(fx.generated().resolve("run/acme_ext/extend-config.toml")).exists();
    assertThat(fx.generated().resolve("acme_ext")).doesNotExist();
    assertThat(fx.generated().resolve("acme")).doesNotExist();
  }

  @Test
  void writesThePerExtensionGeneratedLayoutFromPlatform013WithEscapedIds() {
    Fixtures fx = extensionMeetingX("acme/ext");
    fx.extension("acme/ext").provides("x").generates("build.Dockerfile", BUILD_DOCKERFILE)
        .generates("run.Dockerfile", RUN_EXTEND)
        .generates("extend-config.toml", "[[build.args]]\nname = \"v\"\nvalue = \"1\"");

    fx.detect("0.13");

    assertThat(fx.generated().resolve("acme_ext/build.Dockerfile")).hasContent(BUILD_DOCKERFILE);
    assertThat(fx.generated().resolve("acme_ext/run.Dockerfile")).hasContent(RUN_EXTEND);
    assertThat(fx.generated().resolve("acme_ext/extend-config.toml")).exists();
    assertThat(fx.generated().resolve("build")).doesNotExist();
    assertThat(fx.generated().resolve("run")).doesNotExist();
  }

  @Test
  void writesOnlyTheDockerfilesAnExtensionProducedInTheOldLayout() {
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x").generates("build.Dockerfile", BUILD_DOCKERFILE);

    fx.detect("0.12");

    assertThat(fx.generated().resolve("build/ext_a/Dockerfile")).exists();
    assertThat(fx.generated().resolve("run")).doesNotExist();
  }

  // ---- decisions #2 and analyzed.toml preservation

  @Test
  void recordsBuildImageExtendFromPlatform013WhenABuildDockerfileExists() {
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x").generates("build.Dockerfile", BUILD_DOCKERFILE);

    fx.detect("0.13");

    TomlTable analyzed = Fixtures.toml(fx.analyzedPath());
    assertThat(analyzed.table("build-image").orElseThrow().bool("extend", false)).isTrue();
    assertThat(analyzed.table("run-image").orElseThrow().has("extend")).isFalse();
  }

  @Test
  void doesNotRecordBuildImageExtendBeforePlatform013() {
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x").generates("build.Dockerfile", BUILD_DOCKERFILE);

    fx.detect("0.12");

    assertThat(Analyzed.read(fx.analyzedPath()).buildImageExtend()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void doesNotRecordBuildImageExtendWithoutABuildDockerfile(String api) {
    Fixtures fx = extensionMeetingX("ext/a");
    fx.extension("ext/a").provides("x").generates("run.Dockerfile", RUN_EXTEND);

    fx.detect(api);

    Analyzed analyzed = Analyzed.read(fx.analyzedPath());
    assertThat(analyzed.buildImageExtend()).isFalse();
    assertThat(analyzed.runImageExtend()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void preservesUnknownAnalyzedTablesThroughTheRewrite(String api) {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of("ext/a"))).analyzed("""
        api = "0.12"

        [image]
        reference = "registry.example.org/app@sha256:aaaa"

        [metadata]
        [metadata.config]
        sha = "sha256:cccc"

        [[metadata.buildpacks]]
        key = "bp/a"
        version = "1.0.0"
        [metadata.buildpacks.layers.cache]
        sha = "sha256:dddd"
        data = { "quoted key" = "va\\"lue", n = 3 }

        [run-image]
        image = "run:jammy"
        reference = "run@sha256:1111"
        top-layer = "sha256:eeee"
        """);
    fx.buildpack("bp/a").passes();
    fx.extension("ext/a").generates("run.Dockerfile", "FROM other-run:jammy");
    Map<String, Object> before = Analyzed.read(fx.analyzedPath()).toToml();

    fx.detect(api);

    Map<String, Object> after = Analyzed.read(fx.analyzedPath()).toToml();
    assertThat(after).containsEntry("api", "0.12").containsEntry("image", before.get("image"))
        .containsEntry("metadata", before.get("metadata"));
    assertThat(after.get("run-image")).isEqualTo(Map.of("image", "other-run:jammy"));
  }
}
