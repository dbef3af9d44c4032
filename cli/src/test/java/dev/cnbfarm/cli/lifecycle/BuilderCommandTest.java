package dev.cnbfarm.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.engine.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cnbfarm lifecycle builder} end to end: detector output in, shell buildpacks run, metadata.toml out. */
class BuilderCommandTest {
  @TempDir Path tmp;
  Fixtures fx;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  @BeforeEach
  void workspace() {
    fx = Fixtures.in(tmp);
  }

  private int builder(String... extra) {
    String[] base = {"-app", fx.app().toString(), "-buildpacks", tmp.resolve("cnb/buildpacks").toString(),
        "-layers", fx.layers().toString(), "-platform", fx.platform().toString(), "-log-level", "info"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "CNB_PLATFORM_API", "0.13");
    return new BuilderCommand(env, new PrintStream(bytes, true, StandardCharsets.UTF_8)).run(args);
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void buildsWhatTheDetectorChoseAndWritesMetadataToml() {
    fx.buildpack("acme/node").providesAndRequires("node").build("""
        echo "---> node buildpack"
        mkdir -p "$1/node/bin"
        printf '#!/bin/sh\\necho v20\\n' > "$1/node/bin/node" && chmod +x "$1/node/bin/node"
        printf '[types]\\nbuild = true\\nlaunch = true\\n' > "$1/node.toml"
        """);
    fx.buildpack("acme/npm").plan("[[requires]]\nname = \"node\"").build("""
        echo "---> npm buildpack sees node $(node)"
        printf '[[processes]]\\ntype = "web"\\ncommand = ["node", "server.js"]\\ndefault = true\\n' > "$1/launch.toml"
        """);
    fx.order("[[order]]\n[[order.group]]\nid = \"acme/node\"\n[[order.group]]\nid = \"acme/npm\"\n");
    fx.detect("0.13");

    assertThat(builder()).isZero();

    assertThat(printed()).contains("---> node buildpack", "---> npm buildpack sees node v20",
        "processes: [web (default)]");
    String metadata = Fixtures.read(fx.layers().resolve("config/metadata.toml"));
    assertThat(metadata).contains("buildpack-default-process-type = \"web\"", "id = \"acme/node\"",
        "id = \"acme/npm\"", "buildpack-id = \"acme/npm\"");
  }

  @Test
  void aLaunchLayerLeftAsTomlWithoutItsDirectoryIsKeptForTheExporterToReuse() throws java.io.IOException {
    fx.buildpack("acme/keep").build("echo \"---> keeping $(cat \"$1/runtime.toml\" | grep version)\"");
    fx.group(List.of("acme/keep"), "").plan("");
    Path toml = fx.layers().resolve("acme_keep/runtime.toml");
    String restored = "[types]\nlaunch = true\n\n[metadata]\nversion = \"1.0\"\n";
    java.nio.file.Files.createDirectories(toml.getParent());
    java.nio.file.Files.writeString(toml, restored);

    assertThat(builder()).as(printed()).isZero();

    assertThat(printed()).contains("---> keeping version = \"1.0\"");
    assertThat(toml).hasContent(restored);
    assertThat(fx.layers().resolve("acme_keep/runtime")).doesNotExist();
    assertThat(fx.layers().resolve("acme_keep/runtime.ignore")).doesNotExist();
  }

  @Test
  void failingBuildpackExits51WithAnErrorLine() {
    fx.buildpack("acme/broken").build("echo 'compiler missing'\nexit 2");
    fx.group(List.of("acme/broken"), "").plan("");

    assertThat(builder()).isEqualTo(51);
    assertThat(printed()).contains("ERROR: buildpack acme/broken@1.0.0: /bin/build exited 2", "compiler missing");
  }

  @Test
  void malformedLaunchTomlExits52() {
    fx.buildpack("acme/one").build("echo 'processes = [' > \"$1/launch.toml\"");
    fx.group(List.of("acme/one"), "").plan("");

    assertThat(builder()).isEqualTo(52);
    assertThat(printed()).contains("ERROR: " + fx.layers().resolve("acme_one/launch.toml"), "malformed TOML");
  }

  @Test
  void unknownFlagExitsThree() {
    assertThat(builder("-kind", "build")).isEqualTo(3);
    assertThat(printed()).contains("flag provided but not defined: -kind");
  }
}
