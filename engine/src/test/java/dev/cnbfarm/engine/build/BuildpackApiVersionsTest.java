package dev.cnbfarm.engine.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.engine.testing.Fixtures;
import dev.cnbfarm.engine.testing.PaketoShapedBuildpacks;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.build.BuildContext;
import dev.cnbfarm.lifecycle.build.Builder;
import dev.cnbfarm.lifecycle.buildpack.ModuleStore;
import dev.cnbfarm.lifecycle.detect.ModuleDetector;
import dev.cnbfarm.lifecycle.env.BuildEnv;
import dev.cnbfarm.lifecycle.exec.ProcessBinaryRunner;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.platform.Plan;
import dev.cnbfarm.lifecycle.report.Reporter;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What differs between Buildpack APIs 0.7 to 0.12 in detect, generate and build, as the buildpack
 * spec of each version and the reference lifecycle (buildpack/detect.go, generate.go, build.go,
 * files.go, bom.go) give it; each test runs at every supported version. What the exported image's
 * launcher does with the processes is in the cli's BuildpackApiLaunchTest.
 */
class BuildpackApiVersionsTest {
  static final String TARGETED = """
      [run-image]
      image = "run:jammy"
      reference = "run@sha256:1111"
      [run-image.target]
      os = "linux"
      arch = "amd64"
      """;

  @TempDir Path tmp;
  Fixtures fx;

  @BeforeEach
  void workspace() {
    fx = Fixtures.in(tmp).analyzed(TARGETED).plan("");
  }

  private static boolean atLeast(String api, String version) {
    return ApiVersion.parse(api).atLeast(version);
  }

  private static LifecycleException failure(Runnable build) {
    try {
      build.run();
    } catch (LifecycleException e) {
      return e;
    }
    throw new AssertionError("the build did not fail");
  }

  private String dump(String name) {
    return "env > '" + fx.logFile(name) + "'\nprintf 'ARG1=%s\\nARG2=%s\\nARG3=%s\\n' \"$1\" \"$2\" \"$3\" >> '"
        + fx.logFile(name) + "'";
  }

  // ---- env of /bin/detect, /bin/generate, /bin/build

  @ParameterizedTest
  @ValueSource(strings = {"0.7", "0.8", "0.9", "0.10", "0.11", "0.12"})
  void detectGetsPlatformDirAndPlanPathFromApi08AndTheTargetFromApi010(String api) {
    fx.order("[[order]]\n[[order.group]]\nid = \"bp/a\"\n");
    Path dir = fx.buildpack("bp/a").api(api).detect(dump("detect.env")).dir();

    assertThat(Fixtures.exitCode(fx.detect("0.13"))).isZero();

    Map<String, String> env = Fixtures.envDump(fx.logFile("detect.env"));
    assertThat(env).containsEntry("CNB_BUILDPACK_DIR", dir.toString())
        .containsEntry("ARG1", fx.platform().toString()).containsKey("ARG2");
    if (atLeast(api, "0.8")) {
      assertThat(env).containsEntry("CNB_PLATFORM_DIR", fx.platform().toString())
          .containsEntry("CNB_BUILD_PLAN_PATH", env.get("ARG2"));
    } else {
      assertThat(env).doesNotContainKeys("CNB_PLATFORM_DIR", "CNB_BUILD_PLAN_PATH");
    }
    assertThat(env.containsKey("CNB_TARGET_OS")).isEqualTo(atLeast(api, "0.10"));
    // no CNB_EXEC_ENV given: "production" from 0.12 (BuildEnv.DEFAULT_EXEC_ENV, as the reference)
    assertThat(env.get("CNB_EXEC_ENV")).isEqualTo(atLeast(api, "0.12") ? "production" : null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.7", "0.8", "0.9", "0.10", "0.11", "0.12"})
  void buildGetsLayersPlatformAndPlanPathFromApi08AndTheTargetFromApi010(String api) {
    Path dir = fx.buildpack("bp/a").api(api).build(dump("build.env")).dir();
    fx.group(List.of("bp/a"), "");

    fx.build("0.13");

    Map<String, String> env = Fixtures.envDump(fx.logFile("build.env"));
    assertThat(env).containsEntry("CNB_BUILDPACK_DIR", dir.toString())
        .containsEntry("ARG1", fx.layers().resolve("bp_a").toString())
        .containsEntry("ARG2", fx.platform().toString());
    if (atLeast(api, "0.8")) {
      assertThat(env).containsEntry("CNB_LAYERS_DIR", env.get("ARG1"))
          .containsEntry("CNB_PLATFORM_DIR", env.get("ARG2")).containsEntry("CNB_BP_PLAN_PATH", env.get("ARG3"));
    } else {
      assertThat(env).doesNotContainKeys("CNB_LAYERS_DIR", "CNB_PLATFORM_DIR", "CNB_BP_PLAN_PATH");
    }
    assertThat(env.containsKey("CNB_TARGET_OS")).isEqualTo(atLeast(api, "0.10"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.7", "0.8", "0.9", "0.10", "0.11", "0.12"})
  void generateGetsItsVariablesAtEveryApiAndTheTargetFromApi010(String api) {
    fx.order("[[order]]\n[[order.group]]\nid = \"bp/a\"\n\n[[order-extensions]]\n[[order-extensions.group]]\n"
        + "id = \"ext/a\"\n");
    fx.buildpack("bp/a").requires("x");
    // the plan path as an arg: Buildpack API 0.7 has no CNB_BUILD_PLAN_PATH
    Path dir = fx.extension("ext/a").api(api).detect("printf '[[provides]]\\nname = \"x\"\\n' > \"$2\"")
        .generate(dump("generate.env")).dir();

    assertThat(Fixtures.exitCode(fx.detect("0.13"))).isZero();

    Map<String, String> env = Fixtures.envDump(fx.logFile("generate.env"));
    assertThat(env).containsEntry("CNB_OUTPUT_DIR", env.get("ARG1")).containsEntry("CNB_PLATFORM_DIR", env.get("ARG2"))
        .containsEntry("CNB_BP_PLAN_PATH", env.get("ARG3"))
        .containsEntry("CNB_EXTENSION_DIR", dir.toString());
    assertThat(env.containsKey("CNB_TARGET_OS")).isEqualTo(atLeast(api, "0.10"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.7", "0.8", "0.9", "0.10", "0.11", "0.12"})
  void theExecutionEnvironmentReachesDetectAndBuildFromApi012Only(String api) throws Exception {
    fx.buildpack("bp/a").api(api).detect(dump("detect.env")).build(dump("build.env"));
    BuildEnv env = new BuildEnv(Map.of("PATH", "/usr/bin:/bin", "CNB_EXEC_ENV", "test"), fx.platform(),
        fx.buildConfig());
    Files.createDirectories(fx.app());
    ModuleStore store = new ModuleStore(tmp.resolve("cnb/buildpacks"), tmp.resolve("cnb/extensions"));
    Path planDir = Files.createDirectories(tmp.resolve("plans"));
    BuildContext ctx = BuildContext.local(fx.app(), fx.layers(), fx.platform(), planDir, env, Map.of(),
        Duration.ofSeconds(30));

    new ModuleDetector(new ProcessBinaryRunner(), env, Map.of(), fx.app(), fx.platform(), tmp.resolve("scratch"),
        Duration.ofSeconds(30)).detect(store.lookup(new dev.cnbfarm.lifecycle.buildpack.ModuleRef(
            dev.cnbfarm.lifecycle.buildpack.ModuleKind.BUILDPACK, "bp/a", "1.0.0", false)));
    new Builder(new ProcessBinaryRunner(), store, ctx, Reporter.NONE)
        .build(new Group(List.of(new GroupEntry("bp/a", "1.0.0", api, "")), List.of()), new Plan(List.of()));

    for (String dump : List.of("detect.env", "build.env")) {
      Map<String, String> seen = Fixtures.envDump(fx.logFile(dump));
      if (atLeast(api, "0.12")) {
        assertThat(seen).as(dump).containsEntry("CNB_EXEC_ENV", "test");
      } else {
        assertThat(seen).as(dump).doesNotContainKey("CNB_EXEC_ENV");
      }
    }
  }

  // ---- launch.toml

  private TomlTable onlyProcess() {
    return Fixtures.toml(fx.layers().resolve("config/metadata.toml")).tables("processes").get(0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.7", "0.8", "0.9", "0.10", "0.11", "0.12"})
  void theCommandIsAStringBelowApi09AndAnArrayFrom09AndTheOtherFormIsABuildError(String api) {
    boolean strings = !atLeast(api, "0.9");
    String right = strings ? "command = \"echo $HOME\"" : "command = [\"echo\", \"$HOME\"]";
    String wrong = strings ? "command = [\"echo\", \"$HOME\"]" : "command = \"echo $HOME\"";
    fx.buildpack("bp/a").api(api).build("printf '[[processes]]\\ntype = \"web\"\\n%s\\nargs = [\"x\"]\\n' '" + right
        + "' > \"$1/launch.toml\"");
    fx.group(List.of("bp/a"), "");

    fx.build("0.13");

    TomlTable web = onlyProcess();
    assertThat(web.strings("command")).isEqualTo(strings ? List.of("echo $HOME") : List.of("echo", "$HOME"));
    assertThat(web.strings("args")).containsExactly("x");
    assertThat(web.bool("direct", true)).as("direct defaults to false below 0.9; every process is direct from 0.9")
        .isEqualTo(!strings);

    fx.buildpack("bp/a").api(api).build("printf '[[processes]]\\ntype = \"web\"\\n%s\\n' '" + wrong
        + "' > \"$1/launch.toml\"");
    LifecycleException e = failure(() -> fx.build("0.13"));
    assertThat(e.code().exitCode()).isEqualTo(52);
    assertThat(e.getMessage()).contains("launch.toml", "command", strings ? "a string" : "an array", api);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.7", "0.8"})
  void directTrueIsKeptBelowApi09(String api) {
    fx.buildpack("bp/a").api(api).build(
        "printf '[[processes]]\\ntype = \"web\"\\ncommand = \"run\"\\ndirect = true\\n' > \"$1/launch.toml\"");
    fx.group(List.of("bp/a"), "");

    fx.build("0.13");

    assertThat(onlyProcess().bool("direct", false)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.7", "0.8", "0.9", "0.10", "0.11", "0.12"})
  void workingDirIsDroppedWithTheReferencesWarningBelowApi08(String api) {
    String command = atLeast(api, "0.9") ? "[\"pwd\"]" : "\"pwd\"";
    fx.buildpack("bp/a").api(api).build("printf '[[processes]]\\ntype = \"web\"\\ncommand = %s\\nworking-dir = \"/tmp\""
        + "\\ndefault = true\\n' '" + command + "' > \"$1/launch.toml\"");
    fx.group(List.of("bp/a"), "");

    fx.build("0.13");

    TomlTable web = onlyProcess();
    assertThat(web.bool("default", false)).isTrue();
    if (atLeast(api, "0.8")) {
      assertThat(web.string("working-dir", "")).isEqualTo("/tmp");
      assertThat(fx.reporter().warnLines()).noneMatch(l -> l.contains("working directory"));
    } else {
      assertThat(web.has("working-dir")).isFalse();
      assertThat(fx.reporter().warnLines()).contains("Warning: process working directory isn't supported in this"
          + " buildpack api version. Ignoring working directory for process 'web'");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.7", "0.8", "0.9", "0.10", "0.11", "0.12"})
  void aProcessExecEnvIsKeptFromApi012(String api) {
    String command = atLeast(api, "0.9") ? "[\"true\"]" : "\"true\"";
    fx.buildpack("bp/a").api(api).build("printf '[[processes]]\\ntype = \"web\"\\ncommand = %s\\nexec-env = [\"test\"]\\n' '"
        + command + "' > \"$1/launch.toml\"");
    fx.group(List.of("bp/a"), "");

    fx.build("0.15");

    TomlTable web = onlyProcess();
    if (atLeast(api, "0.12")) {
      assertThat(web.strings("exec-env")).containsExactly("test");
    } else {
      assertThat(web.has("exec-env")).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.7", "0.8", "0.9", "0.10", "0.11", "0.12"})
  void slicesAndUnmetAreReadAtEveryApi(String api) {
    fx.buildpack("bp/a").api(api).plan("[[provides]]\nname = \"x\"\n[[requires]]\nname = \"x\"").build("""
        printf '[[slices]]\\npaths = ["static/*"]\\n' > "$1/launch.toml"
        printf '[[unmet]]\\nname = "x"\\n' > "$1/build.toml"
        """);
    fx.group(List.of("bp/a"), "").plan("[[entries]]\n[[entries.providers]]\nid = \"bp/a\"\nversion = \"1.0.0\"\n"
        + "[[entries.requires]]\nname = \"x\"\n");

    var result = fx.build("0.13");

    assertThat(result.outputs().get(0).slices()).singleElement().satisfies(s ->
        assertThat(s.paths()).containsExactly("static/*"));
    assertThat(result.outputs().get(0).unmet()).containsExactly("x");
  }

  // ---- layers

  @ParameterizedTest
  @ValueSource(strings = {"0.7", "0.8", "0.9", "0.10", "0.11", "0.12"})
  void topLevelLayerFlagsAreABuildErrorAtEveryApiAsInTheReference(String api) {
    fx.buildpack("bp/a").api(api).build("mkdir -p \"$1/l\"\nprintf 'launch = true\\n' > \"$1/l.toml\"");
    fx.group(List.of("bp/a"), "");

    LifecycleException e = failure(() -> fx.build("0.13"));

    assertThat(e.code().exitCode()).isEqualTo(52);
    assertThat(e.getMessage()).contains("bp_a/l.toml", "[types]");
  }

  // ---- the legacy [[bom]] tables

  @ParameterizedTest
  @ValueSource(strings = {"0.7", "0.8", "0.9", "0.10", "0.11", "0.12"})
  void aLegacyBomTableIsDeprecatedButAcceptedAtEveryApi(String api) {
    fx.buildpack("bp/a").api(api).build("""
        printf '[[bom]]\\nname = "dep"\\n[bom.metadata]\\nversion = "1"\\n' > "$1/launch.toml"
        printf '[[bom]]\\nname = "tool"\\n' > "$1/build.toml"
        """);
    fx.group(List.of("bp/a"), "");

    fx.build("0.13");

    assertThat(fx.reporter().warnLines()).filteredOn(l -> l.startsWith("BOM table is deprecated in this buildpack"
        + " api version")).hasSize(2);
    // the reference builder's legacy BOM files (Platform API 0.9+), each entry with its buildpack
    assertThat(fx.layers().resolve("sbom/launch/sbom.legacy.json")).hasContent(
        "[{\"name\":\"dep\",\"metadata\":{\"version\":\"1\"},\"buildpack\":{\"id\":\"bp/a\",\"version\":\"1.0.0\"}}]");
    assertThat(fx.layers().resolve("sbom/build/sbom.legacy.json")).hasContent(
        "[{\"name\":\"tool\",\"metadata\":null,\"buildpack\":{\"id\":\"bp/a\",\"version\":\"1.0.0\"}}]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.7", "0.12"})
  void withoutALegacyBomNoLegacyBomFileIsWritten(String api) {
    fx.buildpack("bp/a").api(api).build("mkdir -p \"$1/l\" && printf '[types]\\nlaunch = true\\n' > \"$1/l.toml\"");
    fx.group(List.of("bp/a"), "");

    fx.build("0.13");

    assertThat(fx.layers().resolve("sbom/launch/sbom.legacy.json")).doesNotExist();
    assertThat(fx.layers().resolve("sbom/build/sbom.legacy.json")).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.7", "0.12"})
  void aLegacyBomNextToSbomFilesIsNotWarnedAbout(String api) {
    fx.buildpack("bp/a").api(api).build("""
        mkdir -p "$1/l"
        printf '[types]\\nlaunch = true\\n' > "$1/l.toml"
        echo '{}' > "$1/l.sbom.cdx.json"
        printf '[[bom]]\\nname = "dep"\\n' > "$1/launch.toml"
        """);
    fx.group(List.of("bp/a"), "");

    fx.build("0.13");

    assertThat(fx.reporter().warnLines()).noneMatch(l -> l.contains("BOM table"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.7", "0.8", "0.9", "0.10", "0.11", "0.12"})
  void aLegacyBomEntryWithATopLevelVersionIsABuildError(String api) {
    fx.buildpack("bp/a").api(api).build("printf '[[bom]]\\nname = \"dep\"\\nversion = \"1\"\\n' > \"$1/launch.toml\"");
    fx.group(List.of("bp/a"), "");

    LifecycleException e = failure(() -> fx.build("0.13"));

    assertThat(e.code().exitCode()).isEqualTo(52);
    assertThat(e.getMessage()).contains("launch.toml", "bom entry 'dep' has a top level version",
        "metadata.version");
  }

  // ---- unsupported versions

  @ParameterizedTest
  @ValueSource(strings = {"0.6", "0.13"})
  void aBuildpackOfAnUnsupportedApiIsRefusedByTheBuilderWithExit12(String api) {
    fx.buildpack("bp/a").api(api).build("true");
    fx.group(List.of("bp/a"), "");

    LifecycleException e = failure(() -> fx.build("0.13"));

    assertThat(e.code().exitCode()).isEqualTo(12);
    assertThat(e.getMessage()).contains("buildpack API version '" + api + "' is incompatible with the lifecycle");
  }

  // ---- the Paketo-shaped fixtures

  @ParameterizedTest
  @ValueSource(strings = {"0.7", "0.8"})
  void theDependencyBuildpackInstallsThenReusesItsCachedLayerWhenTheVersionMatches(String api) throws Exception {
    fx.order("[[order]]\n[[order.group]]\nid = \"" + PaketoShapedBuildpacks.DEPENDENCY_ID + "\"\n")
        .platformEnv("BP_DEP_SIZE_MB", "2");
    PaketoShapedBuildpacks.dependency(fx, api);
    assertThat(Fixtures.exitCode(fx.detect("0.13"))).isZero();

    var first = fx.build("0.13");
    Path dep = fx.layers().resolve("fixtures_dependency/dependency");
    assertThat(fx.reporter().infoLines()).contains("Installing dependency 1.0.0 (2 MB)")
        .noneMatch(l -> l.startsWith("Reusing cached layer"));
    assertThat(Files.size(dep.resolve("payload.bin"))).isEqualTo(2L << 20);
    assertThat(first.outputs().get(0).layers()).extracting(l -> l.name() + ":" + l.launch() + l.build() + l.cache())
        .containsExactlyInAnyOrder("build-cache:falsetruetrue", "dependency:truefalsetrue");
    assertThat(first.outputs().get(0).sboms()).extracting(p -> p.getFileName().toString())
        .containsExactly("dependency.sbom.cdx.json");
    assertThat(first.outputs().get(0).processes()).extracting(p -> p.type() + ":" + p.direct())
        .containsExactly("web:false", "shell-args:false", "tool:true");

    fx.build("0.13");
    assertThat(fx.reporter().infoLines()).contains("Reusing cached layer " + dep,
        "Reusing cached layer " + fx.layers().resolve("fixtures_dependency/build-cache"))
        .noneMatch(l -> l.startsWith("Installing"));

    fx.platformEnv("BP_DEP_VERSION", "2.0.0");
    fx.build("0.13");
    assertThat(fx.reporter().infoLines()).contains("Installing dependency 2.0.0 (2 MB)");
  }

  @Test
  void theExtensionAtApi07SwitchesTheRunImageAndInstallsTheDependencyInTheBuildImage() {
    fx.order("[[order]]\n[[order.group]]\nid = \"" + PaketoShapedBuildpacks.DEPENDENCY_ID + "\"\n\n"
        + "[[order-extensions]]\n[[order-extensions.group]]\nid = \"" + PaketoShapedBuildpacks.EXTENSION_ID + "\"\n")
        .platformEnv("BP_RUN_IMAGE", "registry.example.org/run-ubi:1");
    PaketoShapedBuildpacks.dependency(fx, "0.7");
    PaketoShapedBuildpacks.extension(fx, "0.7");

    assertThat(Fixtures.exitCode(fx.detect("0.13"))).isZero();

    Path out = fx.generated().resolve("fixtures_ubi-like-extension");
    assertThat(Fixtures.read(out.resolve("run.Dockerfile"))).isEqualTo("FROM registry.example.org/run-ubi:1\n");
    assertThat(Fixtures.read(out.resolve("build.Dockerfile"))).contains("FROM ${base_image}", "USER root",
        "/usr/local/bin/dependency");
    fx.build("0.13");
    assertThat(fx.reporter().infoLines()).contains("dependency provided by the build image: nothing to install");
  }
}
