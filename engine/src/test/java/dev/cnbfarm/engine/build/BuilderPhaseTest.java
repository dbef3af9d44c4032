package dev.cnbfarm.engine.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.lifecycle.build.BuildResult;
import dev.cnbfarm.lifecycle.build.BuildpackOutput;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.engine.testing.Fixtures;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The builder phase over tiny shell buildpacks run as local processes (buildpack.md "Phase #3: Build"). */
class BuilderPhaseTest {
  @TempDir Path tmp;
  Fixtures fx;

  @BeforeEach
  void workspace() {
    fx = Fixtures.in(tmp).plan("");
  }

  private static LifecycleException failure(Runnable build) {
    try {
      build.run();
    } catch (LifecycleException e) {
      return e;
    }
    throw new AssertionError("the build did not fail");
  }

  @Test
  void laterBuildpackSeesEarlierBuildLayerOnPathAndItsEnvBuildFiles() {
    fx.buildpack("acme/tools").build("""
        mkdir -p "$1/tool/bin" "$1/tool/env.build" "$1/tool/env"
        printf '#!/bin/sh\\necho tool-ran\\n' > "$1/tool/bin/tool"
        chmod +x "$1/tool/bin/tool"
        printf 'from-layer' > "$1/tool/env.build/FOO.override"
        printf '/opt/x' > "$1/tool/env/XPATH.prepend"
        printf ':' > "$1/tool/env/XPATH.delim"
        printf '[types]\\nbuild = true\\n' > "$1/tool.toml"
        mkdir -p "$1/hidden/bin"
        printf '[types]\\nlaunch = true\\n' > "$1/hidden.toml"
        """);
    fx.buildpack("acme/app").build("""
        { echo "tool=$(tool)"; echo "FOO=$FOO"; echo "XPATH=$XPATH"; echo "PATH=$PATH"; } > "$1/seen.txt"
        """);
    fx.group(List.of("acme/tools", "acme/app"), "").platformEnv("XPATH", "/platform/x");

    fx.build("0.13");

    Map<String, String> seen = Fixtures.envDump(fx.layers().resolve("acme_app/seen.txt"));
    assertThat(seen).containsEntry("tool", "tool-ran").containsEntry("FOO", "from-layer");
    assertThat(seen.get("PATH")).startsWith(fx.layers().resolve("acme_tools/tool/bin") + ":")
        .doesNotContain("hidden");
    assertThat(seen.get("XPATH")).as("user env wins over buildpack env").isEqualTo("/platform/x");
  }

  @Test
  void buildConfigEnvOverridesLayerEnvAndLayerPrependsJoinWithDelim() {
    fx.buildpack("acme/tools").build("""
        mkdir -p "$1/l/env"
        printf 'a' > "$1/l/env/LIST.prepend"
        printf ',' > "$1/l/env/LIST.delim"
        printf 'layer' > "$1/l/env/OWNED"
        printf '[types]\\nbuild = true\\n' > "$1/l.toml"
        """);
    fx.buildpack("acme/app").build("""
        { echo "LIST=$LIST"; echo "OWNED=$OWNED"; } > "$1/seen.txt"
        """);
    fx.group(List.of("acme/tools", "acme/app"), "").env("PATH", "/usr/bin:/bin")
        .buildConfigEnv("OWNED.override", "operator");

    fx.build("0.13");

    assertThat(Fixtures.envDump(fx.layers().resolve("acme_app/seen.txt")))
        .containsEntry("LIST", "a").containsEntry("OWNED", "operator");
  }

  @Test
  void buildpackGetsSpecArgumentsEnvAndWorkingDir() {
    fx.analyzed("[run-image]\nreference = \"r\"\n[run-image.target]\nos = \"linux\"\narch = \"arm64\"\n");
    fx.buildpack("acme/one").build("""
        { echo "args=$1 $2"; echo "layers=$CNB_LAYERS_DIR"; echo "platform=$CNB_PLATFORM_DIR";
          echo "bpdir=$CNB_BUILDPACK_DIR"; echo "target=$CNB_TARGET_OS/$CNB_TARGET_ARCH"; echo "pwd=$(pwd)";
          echo "plan3=$([ "$3" = "$CNB_BP_PLAN_PATH" ] && echo same)"; echo "plan=$(tr '\\n' ' ' < "$3")"; } > "$1/seen.txt"
        """);
    fx.group(List.of("acme/one"), "").plan("""
        [[entries]]
        providers = [{ id = "acme/one", version = "1.0.0" }]
        requires = [{ name = "node", metadata = { version = "20" } }]
        """);

    fx.build("0.13");

    Map<String, String> seen = Fixtures.envDump(fx.layers().resolve("acme_one/seen.txt"));
    assertThat(seen).containsEntry("args", fx.layers().resolve("acme_one") + " " + fx.platform())
        .containsEntry("layers", fx.layers().resolve("acme_one").toString())
        .containsEntry("platform", fx.platform().toString())
        .containsEntry("bpdir", tmp.resolve("cnb/buildpacks/acme_one/1.0.0").toString())
        .containsEntry("target", "linux/arm64")
        .containsEntry("pwd", fx.app().toString())
        .containsEntry("plan3", "same");
    assertThat(seen.get("plan")).contains("name = \"node\"", "version = \"20\"");
  }

  @Test
  void launchTomlProcessesLabelsAndDefaultGoToMetadataToml() {
    fx.buildpack("acme/one").api("0.9").build("""
        cat > "$1/launch.toml" <<'EOF'
        [[processes]]
        type = "web"
        command = ["node", "server.js"]
        args = ["--port", "8080"]
        default = true
        working-dir = "/workspace/app"

        [[processes]]
        type = "worker"
        command = ["node", "worker.js"]

        [[labels]]
        key = "org.example.team"
        value = "blue"

        [[slices]]
        paths = ["static/*"]
        EOF
        """);
    fx.buildpack("acme/two").build("""
        printf '[[processes]]\\ntype = "worker"\\ncommand = ["java", "-jar", "w.jar"]\\n' > "$1/launch.toml"
        """);
    fx.group(List.of("acme/one", "acme/two"), "");

    BuildResult result = fx.build("0.13");

    TomlTable metadata = Fixtures.toml(fx.layers().resolve("config/metadata.toml"));
    assertThat(metadata.string("buildpack-default-process-type", "")).isEqualTo("web");
    List<TomlTable> processes = metadata.tables("processes");
    assertThat(processes).extracting(p -> p.string("type", "")).containsExactly("web", "worker");
    TomlTable web = processes.get(0);
    assertThat(web.strings("command")).containsExactly("node", "server.js");
    assertThat(web.strings("args")).containsExactly("--port", "8080");
    assertThat(web.bool("default", false)).isTrue();
    assertThat(web.bool("direct", false)).isTrue();
    assertThat(web.string("working-dir", "")).isEqualTo("/workspace/app");
    assertThat(web.string("buildpack-id", "")).isEqualTo("acme/one");
    assertThat(processes.get(1).strings("command")).as("a later buildpack replaces a type")
        .containsExactly("java", "-jar", "w.jar");
    assertThat(processes.get(1).string("buildpack-id", "")).isEqualTo("acme/two");
    assertThat(metadata.tables("labels")).singleElement()
        .satisfies(l -> assertThat(l.string("value", "")).isEqualTo("blue"));
    assertThat(metadata.tables("slices")).singleElement()
        .satisfies(s -> assertThat(s.strings("paths")).containsExactly("static/*"));
    assertThat(result.metadata().defaultProcess()).contains("web");
  }

  @ParameterizedTest
  @ValueSource(strings = {"launch", "build", "cache"})
  void aLayerTypeFlagOutsideTheTypesTableIsABuildError(String flag) {
    fx.buildpack("acme/one").build("mkdir -p \"$1/l\"\nprintf '" + flag + " = true\\n' > \"$1/l.toml\"");
    fx.group(List.of("acme/one"), "");

    LifecycleException e = failure(() -> fx.build("0.13"));

    assertThat(e.code()).isEqualTo(FailureCode.BUILD_ERROR);
    assertThat(e.code().exitCode()).isEqualTo(52);
    assertThat(e.getMessage()).contains("acme_one/l.toml", flag, "[types]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.9", "0.12"})
  void directInLaunchTomlIsRefusedFromBuildpackApi09(String api) {
    fx.buildpack("acme/one").api(api).build("""
        printf '[[processes]]\\ntype = "web"\\ncommand = ["run"]\\ndirect = false\\n' > "$1/launch.toml"
        """);
    fx.group(List.of("acme/one"), "");

    LifecycleException e = failure(() -> fx.build("0.13"));

    assertThat(e.code().exitCode()).isEqualTo(52);
    assertThat(e.getMessage()).contains("launch.toml", "direct", "web");
  }

  @Test
  void aLayerOfNoTypeIsRenamedIgnoreAndGivesNoEnv() {
    fx.buildpack("acme/one").build("""
        mkdir -p "$1/none/bin" "$1/falses/env" "$1/kept"
        printf 'x' > "$1/none/file"
        printf 'from-falses' > "$1/falses/env/FALSES.override"
        printf '[metadata]\\nk = "v"\\n' > "$1/none.toml"
        printf '[types]\\nlaunch = false\\nbuild = false\\ncache = false\\n' > "$1/falses.toml"
        printf '[types]\\ncache = true\\n' > "$1/kept.toml"
        """);
    fx.buildpack("acme/two").build("echo \"FALSES=$FALSES\" > \"$1/seen.txt\"");
    fx.group(List.of("acme/one", "acme/two"), "");

    fx.build("0.13");

    Path bp = fx.layers().resolve("acme_one");
    assertThat(bp.resolve("none")).doesNotExist();
    assertThat(bp.resolve("none.ignore/file")).hasContent("x");
    assertThat(bp.resolve("falses")).doesNotExist();
    assertThat(bp.resolve("falses.ignore")).isDirectory();
    assertThat(bp.resolve("none.toml")).exists();
    assertThat(bp.resolve("kept")).isDirectory();
    assertThat(Fixtures.envDump(fx.layers().resolve("acme_two/seen.txt"))).containsEntry("FALSES", "");
  }

  @Test
  void metadataListsBuildpacksAndTheGroupExtensionsWithTheirHomepage() {
    fx.buildpack("acme/one").build("true");
    fx.group(List.of("acme/one"), """
        [[group-extensions]]
        id = "acme/os-packages"
        version = "1.4.0"
        api = "0.10"
        homepage = "https://example.org/os-packages"
        """);

    fx.build("0.13");

    TomlTable metadata = Fixtures.toml(fx.layers().resolve("config/metadata.toml"));
    assertThat(metadata.tables("buildpacks")).singleElement().satisfies(b -> {
      assertThat(b.string("id", "")).isEqualTo("acme/one");
      assertThat(b.string("api", "")).isEqualTo("0.10");
      assertThat(b.string("homepage", "")).isEqualTo("https://example.org/acme/one");
    });
    assertThat(metadata.tables("extensions")).singleElement().satisfies(e -> {
      assertThat(e.string("id", "")).isEqualTo("acme/os-packages");
      assertThat(e.string("version", "")).isEqualTo("1.4.0");
      assertThat(e.string("api", "")).isEqualTo("0.10");
      assertThat(e.string("homepage", "")).isEqualTo("https://example.org/os-packages");
      assertThat(e.has("optional")).isFalse();
      assertThat(e.has("extension")).isFalse();
    });
  }

  @Test
  void unmetEntryGoesToTheNextProviderAndMetOneDoesNot() {
    String plan = """
        [[entries]]
        providers = [{ id = "acme/first", version = "1.0.0" }, { id = "acme/second", version = "1.0.0" }]
        requires = [{ name = "jdk" }]

        [[entries]]
        providers = [{ id = "acme/first", version = "1.0.0" }, { id = "acme/second", version = "1.0.0" }]
        requires = [{ name = "maven" }]
        """;
    fx.buildpack("acme/first").build("printf '[[unmet]]\\nname = \"jdk\"\\n' > \"$1/build.toml\"");
    fx.buildpack("acme/second").build("cp \"$3\" \"$1/got-plan.toml\"");
    fx.group(List.of("acme/first", "acme/second"), "").plan(plan);

    BuildResult result = fx.build("0.13");

    String got = Fixtures.read(fx.layers().resolve("acme_second/got-plan.toml"));
    assertThat(got).contains("jdk").doesNotContain("maven");
    assertThat(result.outputs().get(0).unmet()).containsExactly("jdk");
  }

  @Test
  void unmetNameOutsideTheBuildpackPlanIsABuildError() {
    fx.buildpack("acme/first").build("printf '[[unmet]]\\nname = \"ghost\"\\n' > \"$1/build.toml\"");
    fx.group(List.of("acme/first"), "");

    LifecycleException e = failure(() -> fx.build("0.13"));

    assertThat(e.code()).isEqualTo(FailureCode.BUILD_ERROR);
    assertThat(e.getMessage()).contains("build.toml", "ghost");
  }

  @Test
  void failingBuildpackExits51WithItsOutputAndLaterOnesDoNotRun() {
    fx.buildpack("acme/ok").build("true");
    fx.buildpack("acme/broken").build("echo 'no JDK found' >&2\nexit 7");
    fx.buildpack("acme/never").build("true");
    fx.group(List.of("acme/ok", "acme/broken", "acme/never"), "");

    assertThatThrownBy(() -> fx.build("0.13")).isInstanceOfSatisfying(LifecycleException.class, e -> {
      assertThat(e.code()).isEqualTo(FailureCode.BUILD_FAILED);
      assertThat(e.code().exitCode()).isEqualTo(51);
    }).hasMessageContaining("acme/broken@1.0.0").hasMessageContaining("exited 7").hasMessageContaining("no JDK found");
    assertThat(fx.runs()).containsExactly("buildpack:acme/ok build", "buildpack:acme/broken build");
    assertThat(fx.layers().resolve("config/metadata.toml")).doesNotExist();
  }

  @Test
  void malformedLaunchTomlExits52NamingTheFileAndLine() {
    fx.buildpack("acme/one").build("printf '[[processes]]\\ntype = \"web\"\\ncommand = [\"a\"\\n' > \"$1/launch.toml\"");
    fx.group(List.of("acme/one"), "");

    LifecycleException e = failure(() -> fx.build("0.13"));

    assertThat(e.code()).isEqualTo(FailureCode.BUILD_ERROR);
    assertThat(e.code().exitCode()).isEqualTo(52);
    assertThat(e.getMessage()).contains(fx.layers().resolve("acme_one/launch.toml").toString(), "line");
  }

  @Test
  void processTypeWithInvalidCharactersIsABuildError() {
    fx.buildpack("acme/one").build("printf '[[processes]]\\ntype = \"we b\"\\ncommand = [\"a\"]\\n' > \"$1/launch.toml\"");
    fx.group(List.of("acme/one"), "");

    LifecycleException e = failure(() -> fx.build("0.13"));

    assertThat(e.code()).isEqualTo(FailureCode.BUILD_ERROR);
    assertThat(e.getMessage()).contains("launch.toml", "processes[0].type", "we b");
  }

  @Test
  void twoDefaultProcessesOfOneBuildpackAreABuildError() {
    fx.buildpack("acme/one").build("""
        printf '[[processes]]\\ntype = "a"\\ncommand = ["a"]\\ndefault = true\\n[[processes]]\\ntype = "b"\\ncommand = ["b"]\\ndefault = true\\n' > "$1/launch.toml"
        """);
    fx.group(List.of("acme/one"), "");

    LifecycleException e = failure(() -> fx.build("0.13"));

    assertThat(e.code()).isEqualTo(FailureCode.BUILD_ERROR);
    assertThat(e.getMessage()).contains("launch.toml", "processes[1].default", "'a'", "'b'");
  }

  @Test
  void recordsLayerTypesMetadataSbomFilesAndExecDirs() throws IOException {
    fx.buildpack("acme/one").build("""
        mkdir -p "$1/rt/exec.d"
        printf '[types]\\nlaunch = true\\ncache = true\\n[metadata]\\nversion = "1.2"\\n' > "$1/rt.toml"
        echo '{}' > "$1/rt.sbom.cdx.json"
        echo '{}' > "$1/launch.sbom.spdx.json"
        """);
    fx.group(List.of("acme/one"), "");
    Path stale = Files.createDirectories(fx.layers().resolve("sbom/launch/acme_old")).resolve("sbom.cdx.json");
    Files.writeString(stale, "{}");

    BuildpackOutput out = fx.build("0.13").outputs().get(0);

    assertThat(out.layers()).singleElement().satisfies(l -> {
      assertThat(l.name()).isEqualTo("rt");
      assertThat(l.launch()).isTrue();
      assertThat(l.cache()).isTrue();
      assertThat(l.build()).isFalse();
      assertThat(l.metadata()).containsEntry("version", "1.2");
    });
    assertThat(out.sboms()).extracting(p -> p.getFileName().toString())
        .containsExactly("launch.sbom.spdx.json", "rt.sbom.cdx.json");
    assertThat(out.execDirs()).containsExactly(fx.layers().resolve("acme_one/rt/exec.d"));
    assertThat(fx.layers().resolve("sbom/launch/acme_one/sbom.spdx.json")).exists();
    assertThat(fx.layers().resolve("sbom/launch/acme_one/rt/sbom.cdx.json")).exists();
    assertThat(fx.layers().resolve("sbom/cache/acme_one/rt/sbom.cdx.json")).exists();
    assertThat(fx.layers().resolve("sbom/build/acme_one/rt")).doesNotExist();
    assertThat(fx.layers().resolve("sbom/launch/acme_old")).as("stale SBOMs are removed").doesNotExist();
  }

  @Test
  void malformedLayerTomlExits52NamingTheFile() {
    fx.buildpack("acme/one").build("printf '[types\\nbuild = true\\n' > \"$1/jdk.toml\"");
    fx.group(List.of("acme/one"), "");

    LifecycleException e = failure(() -> fx.build("0.13"));

    assertThat(e.code()).isEqualTo(FailureCode.BUILD_ERROR);
    assertThat(e.getMessage()).contains(fx.layers().resolve("acme_one/jdk.toml").toString(), "line");
  }

  @Test
  void unknownSbomFormatIsABuildError() {
    fx.buildpack("acme/one").build("echo '{}' > \"$1/launch.sbom.xml.json\"");
    fx.group(List.of("acme/one"), "");

    LifecycleException e = failure(() -> fx.build("0.13"));

    assertThat(e.code()).isEqualTo(FailureCode.BUILD_ERROR);
    assertThat(e.getMessage()).contains("launch.sbom.xml.json", "unsupported SBOM format 'xml'");
  }

  @Test
  void sbomSymlinkToAHostFileIsRefusedNotCopied() throws IOException {
    Path secret = Files.writeString(tmp.resolve("host-secret"), "{\"secret\": true}");
    Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    fx.buildpack("acme/one").build("ln -s '" + secret + "' \"$1/launch.sbom.cdx.json\"");
    fx.group(List.of("acme/one"), "");

    LifecycleException e = failure(() -> fx.build("0.13"));

    assertThat(e.code()).isEqualTo(FailureCode.BUILD_ERROR);
    assertThat(e.getMessage()).contains("launch.sbom.cdx.json", "is a symbolic link").doesNotContain("Exception");
    assertThat(fx.layers().resolve("sbom/launch/acme_one/sbom.cdx.json")).doesNotExist();
  }

  @Test
  void layerTomlAndLaunchTomlSymlinksAreRefusedNotFollowed() throws IOException {
    Path hostToml = Files.writeString(tmp.resolve("host.toml"), "[types]\nlaunch = true\n[metadata]\nsecret = \"s3cr3t\"\n");
    fx.buildpack("acme/one").build("ln -s '" + hostToml + "' \"$1/jdk.toml\"");
    fx.group(List.of("acme/one"), "");
    assertThat(failure(() -> fx.build("0.13")).getMessage()).contains("jdk.toml", "is a symbolic link");

    fx.buildpack("acme/two").build("ln -s '" + hostToml + "' \"$1/launch.toml\"");
    fx.group(List.of("acme/two"), "");
    assertThat(failure(() -> fx.build("0.13")).getMessage()).contains("launch.toml", "is a symbolic link");
  }

  @Test
  void layerEnvFileSymlinkIsRefusedNotFollowed() throws IOException {
    Path secret = Files.writeString(tmp.resolve("host-env"), "s3cr3t");
    fx.buildpack("acme/one").build("mkdir -p \"$1/rt/env\"; printf '[types]\\nbuild = true\\n' > \"$1/rt.toml\"; "
        + "ln -s '" + secret + "' \"$1/rt/env/SECRET\"");
    fx.buildpack("acme/two").build("echo \"SECRET=$SECRET\"");
    fx.group(List.of("acme/one", "acme/two"), "");

    assertThatThrownBy(() -> fx.build("0.13")).hasMessageContaining("SECRET").hasMessageContaining("is a symbolic link");
  }

  @Test
  void invalidUtf8InLaunchTomlNamesTheFileTheByteAndTheLine() {
    fx.buildpack("acme/one").build("printf '[[labels]]\\nkey = \"a\\377\"\\n' > \"$1/launch.toml\"");
    fx.group(List.of("acme/one"), "");

    LifecycleException e = failure(() -> fx.build("0.13"));

    assertThat(e.getMessage()).contains("launch.toml", "invalid UTF-8 at byte 19 (line 2)").doesNotContain("Input length");
  }
}
