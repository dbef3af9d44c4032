package dev.cnbfarm.image.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.rootfs.RootfsCache;
import dev.cnbfarm.image.rootfs.ScratchSpace;
import dev.cnbfarm.image.sandbox.NetworkMode;
import dev.cnbfarm.image.sandbox.Sandbox;
import dev.cnbfarm.image.sandbox.SandboxUser;
import dev.cnbfarm.lifecycle.buildpack.ModuleStore;
import dev.cnbfarm.lifecycle.extend.ImageEnv;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.platform.Plan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build after a build-image extension, in the real sandbox over a busybox image. */
class BuildRunnerTest {
  static final SandboxUser CNB = SandboxUser.of(1000, 1000);
  static final String REPORT = """
      #!/bin/sh
      set -e
      echo "building $1 as $(id -u):$(id -g)"
      {
        echo "uid=$(id -u):$(id -g)"
        echo "home=$HOME"
        echo "user=$USER"
        echo "greeting=$GREETING"
        echo "path=$PATH"
        echo "platform-env=$FROM_PLATFORM"
        echo "layers=$CNB_LAYERS_DIR"
        echo "args=$1 $2 $3"
        echo "bpdir=$CNB_BUILDPACK_DIR"
        echo "target=$CNB_TARGET_OS/$CNB_TARGET_ARCH"
        echo "pwd=$(pwd)"
        echo "plan=$(tr '\\n' ' ' < "$CNB_BP_PLAN_PATH")"
      } > "$CNB_LAYERS_DIR/report.txt"
      """;

  @TempDir static Path shared;
  static BaseImageFixture base;
  static ImageState extended;

  @TempDir Path tmp;
  BuildDirs dirs;
  ModuleStore modules;

  @BeforeAll
  static void loadImage() {
    base = new BaseImageFixture(shared.resolve("base"));
    extended = new ImageLoader(base.store, RootfsCache.open(shared.resolve("cache")), shared.resolve("dl"))
        .load(base.image);
  }

  @BeforeEach
  void createDirs() throws IOException {
    dirs = new BuildDirs(tmp.resolve("workspace"), tmp.resolve("layers"), tmp.resolve("platform"),
        tmp.resolve("build-config"), tmp.resolve("plan-scratch"));
    for (Path p : List.of(dirs.app(), dirs.layers(), dirs.platform().resolve("env"), dirs.planScratch())) {
      Files.createDirectories(p);
    }
    Files.writeString(dirs.platform().resolve("env/FROM_PLATFORM"), "yes");
    modules = new ModuleStore(tmp.resolve("buildpacks"), tmp.resolve("extensions"));
  }

  private void buildpack(String id, String script) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("buildpacks").resolve(ModuleStore.escape(id)).resolve("1.0.0"));
    Files.writeString(dir.resolve("buildpack.toml"),
        "api = \"0.10\"\n[buildpack]\nid = \"" + id + "\"\nversion = \"1.0.0\"\n");
    Path bin = Files.createDirectories(dir.resolve("bin")).resolve("build");
    Files.writeString(bin, script);
    Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private List<BuildpackRun> build(Group group, Plan plan) {
    BindPlan binds = BindPlan.forBuild(dirs, BuildRunner.buildpacks(modules, group));
    SandboxBinaryRunner runner = new SandboxBinaryRunner(Sandbox.create(), ScratchSpace.open(tmp.resolve("scratch")),
        extended, CNB, binds, NetworkMode.NONE);
    Analyzed analyzed = Analyzed.parse("[run-image]\nreference = \"run@sha256:" + "a".repeat(64) + "\"\n"
        + "[run-image.target]\nos = \"linux\"\narch = \"amd64\"\n", "analyzed.toml");
    return new BuildRunner(runner, modules, dirs, Duration.ofSeconds(30)).run(group, plan, analyzed, extended, CNB);
  }

  private static Group group(String... buildpacks) {
    return new Group(List.of(buildpacks).stream().map(id -> new GroupEntry(id, "1.0.0", "0.10", "")).toList(),
        List.of(new GroupEntry("acme/os-packages", "1.4.0", "0.10", "")));
  }

  @Test
  void buildpackRunsAsTheUidWithImageEnvAndHomeAndWritesItsLayersDir() throws IOException {
    buildpack("acme/hello", REPORT);
    Plan plan = new Plan(List.of(new Plan.Entry(List.of(new Plan.Provider("acme/hello", "1.0.0", false)),
        List.of(new Plan.Require("hello", Map.of("version", "1"))))));

    List<BuildpackRun> runs = build(group("acme/hello"), plan);

    Path report = dirs.layers().resolve("acme_hello/report.txt");
    assertThat(runs).singleElement().satisfies(r -> assertThat(r.execution().output())
        .contains("building /layers/acme_hello as 1000:1000"));
    assertThat(Files.readAllLines(report)).contains(
        "uid=1000:1000",
        "home=/home/cnb",
        "user=cnb",
        "greeting=a=b=c",
        "path=/bin",
        "platform-env=yes",
        "layers=/layers/acme_hello",
        "args=/layers/acme_hello /platform " + BindPlan.PLAN_TARGET + "/acme_hello/plan.toml",
        "bpdir=/cnb/buildpacks/acme_hello/1.0.0",
        "target=linux/amd64",
        "pwd=/workspace");
    assertThat(Files.readAllLines(report)).anySatisfy(l -> assertThat(l).startsWith("plan=").contains("hello"));
    assertThat(Files.getAttribute(report, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(1000);
    assertThat(Files.getAttribute(dirs.layers(), "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(1000);
  }

  @Test
  void writesBuildpacksAndExtensionsIntoMetadataToml() throws IOException {
    buildpack("acme/one", "#!/bin/sh\ntrue\n");
    buildpack("acme/two", "#!/bin/sh\ntrue\n");

    build(group("acme/one", "acme/two"), new Plan(List.of()));

    String metadata = Files.readString(dirs.layers().resolve("config/metadata.toml"));
    assertThat(metadata).contains("[[buildpacks]]", "id = \"acme/one\"", "id = \"acme/two\"", "[[extensions]]",
        "id = \"acme/os-packages\"", "version = \"1.4.0\"", "api = \"0.10\"");
    assertThat(metadata.indexOf("acme/one")).isLessThan(metadata.indexOf("acme/two"));
  }

  @Test
  void failingBuildExits51NamingTheBuildpackWithItsOutput() throws IOException {
    buildpack("acme/ok", "#!/bin/sh\necho fine > \"$CNB_LAYERS_DIR/ok\"\n");
    buildpack("acme/broken", "#!/bin/sh\necho 'cannot find a JDK' >&2\nexit 3\n");
    buildpack("acme/never", "#!/bin/sh\necho ran > \"$CNB_LAYERS_DIR/ran\"\n");

    assertThatThrownBy(() -> build(group("acme/ok", "acme/broken", "acme/never"), new Plan(List.of())))
        .isInstanceOfSatisfying(LifecycleException.class, e -> {
          assertThat(e.code()).isEqualTo(FailureCode.BUILD_FAILED);
          assertThat(e.code().exitCode()).isEqualTo(51);
        })
        .hasMessageContaining("acme/broken@1.0.0")
        .hasMessageContaining("exited 3")
        .hasMessageContaining("cannot find a JDK");
    assertThat(dirs.layers().resolve("acme_ok/ok")).hasContent("fine");
    assertThat(dirs.layers().resolve("acme_never/ran")).doesNotExist();
  }

  @Test
  void laterBuildpackSeesEarlierBuildLayerThroughContainerPaths() throws IOException {
    buildpack("acme/tools", """
        #!/bin/sh
        set -e
        mkdir -p "$1/tool/bin" "$1/tool/env.build"
        printf '#!/bin/sh\\necho tool-ran\\n' > "$1/tool/bin/tool"
        chmod +x "$1/tool/bin/tool"
        printf 'from-layer' > "$1/tool/env.build/FOO.override"
        printf '[types]\\nbuild = true\\n' > "$1/tool.toml"
        """);
    buildpack("acme/app", """
        #!/bin/sh
        set -e
        { echo "tool=$(tool)"; echo "foo=$FOO"; echo "path=$PATH"; } > "$CNB_LAYERS_DIR/seen.txt"
        printf '[[processes]]\\ntype = "web"\\ncommand = ["tool"]\\ndefault = true\\n' > "$CNB_LAYERS_DIR/launch.toml"
        """);

    build(group("acme/tools", "acme/app"), new Plan(List.of()));

    assertThat(Files.readAllLines(dirs.layers().resolve("acme_app/seen.txt")))
        .containsExactly("tool=tool-ran", "foo=from-layer", "path=/layers/acme_tools/tool/bin:/bin");
    assertThat(Files.readString(dirs.layers().resolve("config/metadata.toml")))
        .contains("[[processes]]", "type = \"web\"", "buildpack-id = \"acme/app\"");
    assertThat(Files.getAttribute(dirs.layers().resolve("config/metadata.toml"), "unix:uid", LinkOption.NOFOLLOW_LINKS))
        .isEqualTo(1000);
  }

  @Test
  void imageEnvIsSplitOnTheFirstEquals() {
    assertThat(ImageEnv.parse(extended.config().env())).containsEntry("GREETING", "a=b=c").containsEntry("PATH", "/bin");
  }
}
