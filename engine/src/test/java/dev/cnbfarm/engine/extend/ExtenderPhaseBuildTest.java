package dev.cnbfarm.engine.extend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.engine.testing.TestInputs;
import dev.cnbfarm.lifecycle.report.Reporter;
import dev.cnbfarm.lifecycle.testing.RecordingReporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code extender -kind build}: Dockerfiles applied as root, then the build as the CNB user (E6). */
class ExtenderPhaseBuildTest {
  @TempDir static Path shared;
  @TempDir Path layers;
  private Path buildpacks;

  private static dev.cnbfarm.image.ref.LayoutRef baseRef;

  @BeforeAll
  static void baseImage() throws IOException {
    baseRef = BusyboxBaseImage.write(shared);
  }

  @BeforeEach
  void setUp() throws IOException {
    Files.writeString(layers.resolve("analyzed.toml"), "[build-image]\nreference = \"" + baseRef + "\"\n");
    Files.writeString(layers.resolve("group.toml"), """
        [[group]]
        id = "bp/uses-tool"
        version = "1.0.0"
        api = "0.10"
        [[group-extensions]]
        id = "ext/tool"
        version = "1"
        api = "0.11"
        """);
    Files.writeString(layers.resolve("plan.toml"), "entries = []\n");
    Path ext = Files.createDirectories(layers.resolve("generated/ext_tool"));
    Files.writeString(ext.resolve("build.Dockerfile"), """
        ARG base_image
        FROM ${base_image}
        USER root
        RUN mkdir -p /opt/tool && printf '#!/bin/sh\\necho tool-ran\\n' > /opt/tool/run && chmod 755 /opt/tool/run
        ENV TOOL_HOME=/opt/tool EQ=a=b
        """);
    Files.writeString(ext.resolve("extend-config.toml"), "[[build.args]]\nname = \"UNUSED\"\nvalue = \"1\"\n");
    buildpacks = Files.createDirectories(layers.resolve("cnb/buildpacks/bp_uses-tool/1.0.0/bin"));
    Files.writeString(buildpacks.resolve("../buildpack.toml"),
        "api = \"0.10\"\n[buildpack]\nid = \"bp/uses-tool\"\nversion = \"1.0.0\"\n");
    Path build = Files.writeString(buildpacks.resolve("build"), """
        #!/bin/sh
        set -e
        echo "uid=$(id -u):$(id -g) home=$HOME tool=$TOOL_HOME eq=$EQ" > "$CNB_LAYERS_DIR/report.txt"
        /opt/tool/run >> "$CNB_LAYERS_DIR/report.txt"
        """);
    Files.setPosixFilePermissions(build, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(layers.resolve("app"));
    Files.createDirectories(layers.resolve("platform"));
  }

  private ExtenderPhase.Outcome extend(Map<String, String> extraFlags) {
    return extend(extraFlags, Reporter.NONE);
  }

  private ExtenderPhase.Outcome extend(Map<String, String> extraFlags, Reporter reporter) {
    Map<String, String> flags = new HashMap<>(Map.of("kind", "build", "layers", layers.toString(),
        "app", layers.resolve("app").toString(), "platform", layers.resolve("platform").toString(),
        "buildpacks", layers.resolve("cnb/buildpacks").toString(), "uid", "1000", "gid", "1000"));
    flags.putAll(extraFlags);
    return TestInputs.of(flags, Map.of(), ApiVersion.of(0, 13)).runExtender(new OciLayoutImageStore(),
        new ExtendWorkspace(shared.resolve("workspace")), reporter, Duration.ofMinutes(2));
  }

  private ExtenderPhase.Outcome run(Map<String, String> flags) {
    return TestInputs.of(flags, Map.of(), ApiVersion.of(0, 13)).runExtender(new OciLayoutImageStore(),
        new ExtendWorkspace(shared.resolve("workspace")), Reporter.NONE, Duration.ofMinutes(2));
  }

  @Test
  void buildRunsAsTheCnbUserOnTheExtendedImageWithItsEnv() throws IOException {
    ExtenderPhase.Outcome o = extend(Map.of());

    assertThat(o.dockerfiles()).isEqualTo(1);
    assertThat(o.newLayerDescriptors()).hasSize(1).allSatisfy(d -> assertThat(d.size()).isPositive());
    assertThat(o.image().config().env()).contains("TOOL_HOME=/opt/tool");
    assertThat(o.build()).hasValueSatisfying(b -> assertThat(b.outputs()).extracting(out -> out.id())
        .containsExactly("bp/uses-tool"));
    assertThat(Files.readString(layers.resolve("bp_uses-tool/report.txt")))
        .isEqualTo("uid=1000:1000 home=/home/cnb tool=/opt/tool eq=a=b\ntool-ran\n");
    assertThat(layers.resolve("extended")).doesNotExist();
    assertThat(Files.readString(layers.resolve("config/metadata.toml"))).contains("[[extensions]]", "ext/tool");
  }

  @Test
  void twoBuildDockerfilesThatChangeNoFilesStillBuild() throws IOException {
    // Each gives the same empty layer: the build's overlay must not stack one lowerdir twice.
    Files.writeString(layers.resolve("group.toml"), """
        [[group]]
        id = "bp/uses-tool"
        version = "1.0.0"
        api = "0.10"
        [[group-extensions]]
        id = "ext/tool"
        version = "1"
        api = "0.11"
        [[group-extensions]]
        id = "ext/noop-a"
        version = "1"
        api = "0.11"
        [[group-extensions]]
        id = "ext/noop-b"
        version = "1"
        api = "0.11"
        """);
    for (String id : List.of("ext_noop-a", "ext_noop-b")) {
      Path ext = Files.createDirectories(layers.resolve("generated/" + id));
      Files.writeString(ext.resolve("build.Dockerfile"),
          "ARG base_image\nFROM ${base_image}\nARG build_id=0\nRUN echo ${build_id} > /dev/null\nRUN true\n");
    }

    ExtenderPhase.Outcome o = extend(Map.of());

    assertThat(o.dockerfiles()).isEqualTo(3);
    assertThat(Files.readString(layers.resolve("bp_uses-tool/report.txt"))).endsWith("tool-ran\n");
  }

  @Test
  void failingBuildpackExitsFiftyOne() throws IOException {
    Files.writeString(buildpacks.resolve("build"), "#!/bin/sh\necho broken >&2\nexit 3\n");
    assertThatThrownBy(() -> extend(Map.of())).isInstanceOf(LifecycleException.class)
        .hasMessageContaining("bp/uses-tool").hasMessageContaining("broken")
        .extracting(e -> ((LifecycleException) e).code()).isEqualTo(FailureCode.BUILD_FAILED);
  }

  @Test
  void withoutUidFlagsTheBuildUserIsTheImageEnvsCnbUserIdWhereTheLaterDuplicateWins(@TempDir Path other)
      throws IOException {
    // decisions.md #9 through lifecycle.extend.ImageEnv, as the applier, export and run read the Env
    dev.cnbfarm.image.ref.LayoutRef base = BusyboxBaseImage.write(other,
        List.of("PATH=/bin", "CNB_USER_ID=0", "CNB_GROUP_ID=0", "CNB_USER_ID=1000", "CNB_GROUP_ID=1000"));
    Files.writeString(layers.resolve("analyzed.toml"), "[build-image]\nreference = \"" + base + "\"\n");

    run(Map.of("kind", "build", "layers", layers.toString(), "app", layers.resolve("app").toString(),
        "platform", layers.resolve("platform").toString(), "buildpacks", layers.resolve("cnb/buildpacks").toString()));

    assertThat(Files.readString(layers.resolve("bp_uses-tool/report.txt"))).startsWith("uid=1000:1000 ");
  }

  @Test
  void streamsTheFirstBuildpacksOutputWhenTheSecondFails() throws IOException {
    Files.writeString(layers.resolve("group.toml"), """
        [[group]]
        id = "bp/uses-tool"
        version = "1.0.0"
        api = "0.10"
        [[group]]
        id = "bp/broken"
        version = "1.0.0"
        api = "0.10"
        [[group-extensions]]
        id = "ext/tool"
        version = "1"
        api = "0.11"
        """);
    Files.writeString(buildpacks.resolve("build"), "#!/bin/sh\necho first-buildpack-says-hello\n");
    Path broken = Files.createDirectories(layers.resolve("cnb/buildpacks/bp_broken/1.0.0/bin"));
    Files.writeString(broken.resolve("../buildpack.toml"),
        "api = \"0.10\"\n[buildpack]\nid = \"bp/broken\"\nversion = \"1.0.0\"\n");
    Path build = Files.writeString(broken.resolve("build"), "#!/bin/sh\necho broken >&2\nexit 3\n");
    Files.setPosixFilePermissions(build, PosixFilePermissions.fromString("rwxr-xr-x"));
    RecordingReporter reporter = new RecordingReporter();

    assertThatThrownBy(() -> extend(Map.of(), reporter)).isInstanceOf(LifecycleException.class)
        .extracting(e -> ((LifecycleException) e).code()).isEqualTo(FailureCode.BUILD_FAILED);
    assertThat(reporter.infoLines()).containsSubsequence("Running build for buildpack bp/uses-tool@1.0.0",
        "first-buildpack-says-hello", "Running build for buildpack bp/broken@1.0.0");
  }
}
