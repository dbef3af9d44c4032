package dev.cnbfarm.lifecycle.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.lifecycle.buildpack.ModuleDescriptor;
import dev.cnbfarm.lifecycle.buildpack.ModuleKind;
import dev.cnbfarm.lifecycle.buildpack.ModuleRef;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuilderConfigTest {
  @TempDir Path dir;

  @Test
  void readsModulesOrdersImagesAndEnv() throws IOException {
    BuilderConfig c = BuilderConfig.read(BuilderFixture.standard(dir, "oci:/tmp/base:build"));
    assertThat(c.description()).isEqualTo("a test builder");
    assertThat(c.buildpacks()).extracting(ModuleDescriptor::coordinates)
        .containsExactly("samples/hello@0.0.1", "samples/tool@1.0.0");
    assertThat(c.extensions()).extracting(ModuleDescriptor::coordinates).containsExactly("samples/curl@0.1.0");
    assertThat(c.order().buildpacks().get(0).elements()).containsExactly(
        new ModuleRef(ModuleKind.BUILDPACK, "samples/tool", "1.0.0", true),
        new ModuleRef(ModuleKind.BUILDPACK, "samples/hello", "0.0.1", false));
    assertThat(c.order().extensions().get(0).elements())
        .containsExactly(new ModuleRef(ModuleKind.EXTENSION, "samples/curl", "0.1.0", true));
    assertThat(c.buildImage()).isEqualTo("oci:/tmp/base:build");
    assertThat(c.runImages()).containsExactly(
        new RunMetadata.RunImage("example.com/run:base", java.util.List.of("mirror.example.com/run:base")));
    assertThat(c.buildEnv()).extracting(BuilderConfig.BuildEnv::fileName).containsExactly("HELLO", "PATH.prepend");
    assertThat(c.stackId()).isEmpty();
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void readsTheLegacyStackTableAndWarnsAboutLifecycle() throws IOException {
    BuilderFixture.buildpack(dir, "bp", "a", "1");
    BuilderConfig c = BuilderConfig.read(BuilderFixture.write(dir, """
        [[buildpacks]]
        uri = "file://%s"
        [[order]]
        [[order.group]]
        id = "a"
        [stack]
        id = "io.example.stack"
        build-image = "example.com/build"
        run-image = "example.com/run"
        run-image-mirrors = ["m.example.com/run"]
        [lifecycle]
        version = "0.20.0"
        """.formatted(dir.resolve("bp"))));
    assertThat(c.buildImage()).isEqualTo("example.com/build");
    assertThat(c.runImages()).containsExactly(
        new RunMetadata.RunImage("example.com/run", java.util.List.of("m.example.com/run")));
    assertThat(c.stackId()).isEqualTo("io.example.stack");
    assertThat(c.warnings()).singleElement().asString().contains("[lifecycle] is ignored");
  }

  @Test
  void missingBuildpackDirectoryNamesTheKey() throws IOException {
    fails(BuilderFixture.write(dir, base("[[buildpacks]]\nuri = \"nope\"\n")),
        "builder.toml: buildpacks[0].uri: 'nope': no such directory");
  }

  @Test
  void orderNamingAnUnprovidedVersionFails() throws IOException {
    BuilderFixture.buildpack(dir, "bp", "a", "1");
    fails(BuilderFixture.write(dir, base("[[buildpacks]]\nuri = \"bp\"\n[[order]]\n[[order.group]]\nid = \"a\"\nversion = \"2\"\n")),
        "builder.toml: order[0].group[0]: buildpack 'a@2' is not provided (provided: [a@1])");
  }

  @Test
  void idMismatchBetweenEntryAndDescriptorFails() throws IOException {
    BuilderFixture.buildpack(dir, "bp", "a", "1");
    fails(BuilderFixture.write(dir, base("[[buildpacks]]\nid = \"b\"\nuri = \"bp\"\n")),
        "builder.toml: buildpacks[0].id: 'b' does not match buildpack.toml's id 'a'");
  }

  @Test
  void orderExtensionsNamingABuildpackFails() throws IOException {
    BuilderFixture.buildpack(dir, "bp", "a", "1");
    fails(BuilderFixture.write(dir, base("[[buildpacks]]\nuri = \"bp\"\n"
        + "[[order-extensions]]\n[[order-extensions.group]]\nid = \"a\"\n")),
        "builder.toml: order-extensions[0].group[0]: 'a' is a buildpack, not an extension");
  }

  @Test
  void orderNamingAnExtensionFails() throws IOException {
    BuilderFixture.extension(dir, "ext", "e", "1");
    fails(BuilderFixture.write(dir, base("[[extensions]]\nuri = \"ext\"\n[[order]]\n[[order.group]]\nid = \"e\"\n")),
        "builder.toml: order[0].group[0]: 'e' is an extension, not a buildpack");
  }

  @Test
  void extensionWithAnOrderFails() throws IOException {
    Path ext = BuilderFixture.extension(dir, "ext", "e", "1");
    Files.writeString(ext.resolve("extension.toml"), "\n[[order]]\n[[order.group]]\nid = \"x\"\n",
        java.nio.file.StandardOpenOption.APPEND);
    fails(BuilderFixture.write(dir, base("[[extensions]]\nuri = \"ext\"\n")),
        "builder.toml: extensions[0].uri:", "an extension must not declare an order");
  }

  @Test
  void unsupportedModuleApiFailsWithExitCode1() throws IOException {
    Path bp = BuilderFixture.buildpack(dir, "bp", "a", "1");
    Files.writeString(bp.resolve("buildpack.toml"),
        Files.readString(bp.resolve("buildpack.toml")).replace("api = \"0.10\"", "api = \"0.2\""));
    fails(BuilderFixture.write(dir, base("[[buildpacks]]\nuri = \"bp\"\n")),
        "builder.toml: buildpacks[0].uri:", "buildpack API version '0.2' is incompatible");
  }

  @Test
  void missingBuildImageFails() throws IOException {
    fails(BuilderFixture.write(dir, "[[run.images]]\nimage = \"r\"\n"), "builder.toml: build.image: missing required key");
  }

  private static String base(String rest) {
    return rest + "[build]\nimage = \"b\"\n[[run.images]]\nimage = \"r\"\n";
  }

  private static void fails(Path file, String... messages) {
    assertThatThrownBy(() -> BuilderConfig.read(file))
        .isInstanceOfSatisfying(LifecycleException.class, e -> {
          assertThat(e.code()).isEqualTo(FailureCode.INVALID_INPUT);
          for (String m : messages) {
            assertThat(e.getMessage()).contains(m);
          }
        });
  }
}
