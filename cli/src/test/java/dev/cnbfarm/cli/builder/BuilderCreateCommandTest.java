package dev.cnbfarm.cli.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.builder.BuilderImage;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.Manifest;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.image.store.RoutingImageStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cnbfarm builder create} over an {@code oci:} layout: success output and the error exits. */
class BuilderCreateCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final RoutingImageStore store = RoutingImageStore.withDefaults();

  private int create(String... args) {
    return new BuilderCreateCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8), store, "test").run(args);
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void createsABuilderThatReadsBack() throws IOException {
    Path toml = builderToml(baseImage(List.of("CNB_USER_ID=1000", "CNB_GROUP_ID=1000")).toString(), "");
    String target = "oci:" + dir.resolve("out") + ":builder";

    assertThat(create("--config", toml.toString(), "--image", target)).as(printed()).isZero();
    assertThat(printed()).startsWith("Warning: builder.toml: [lifecycle] is ignored")
        .contains("\nSuccessfully created builder image " + target + " sha256:");
    BuilderImage b = BuilderImage.read(store, LayoutRef.parse(target));
    assertThat(b.metadata().createdBy().name()).isEqualTo("cnbfarm");
    assertThat(b.buildpacks()).singleElement().satisfies(l -> assertThat(l.id()).isEqualTo("samples/hello"));
    assertThat(b.extensions()).singleElement().satisfies(l -> assertThat(l.id()).isEqualTo("samples/curl"));
  }

  @Test
  void aBadBuilderTomlIsExit1WithTheKey() throws IOException {
    Path toml = builderToml("oci:" + dir.resolve("none") + ":x", "[[buildpacks]]\nuri = \"missing\"\n");
    assertThat(create("--config", toml.toString(), "--image", "oci:" + dir.resolve("out"))).isEqualTo(1);
    assertThat(printed()).startsWith("ERROR: ").contains("builder.toml: buildpacks[1].uri: 'missing': no such directory");
  }

  @Test
  void aBuildImageWithoutTheCnbUserIsExit1() throws IOException {
    LayoutRef base = baseImage(List.of("PATH=/bin"));
    Path toml = builderToml(base.toString(), "");
    assertThat(create("--config", toml.toString(), "--image", "oci:" + dir.resolve("out"))).isEqualTo(1);
    assertThat(printed()).isEqualTo("Warning: builder.toml: [lifecycle] is ignored: cnbfarm runs its own lifecycle phases\n"
        + "ERROR: image " + base + " missing required env var CNB_USER_ID\n");
  }

  @Test
  void missingFlagsAreExit3() {
    assertThat(create("--config", "builder.toml")).isEqualTo(3);
    assertThat(printed()).isEqualTo("ERROR: " + BuilderCreateCommand.USAGE + "\n"
        + "Try 'cnbfarm builder create --help' for usage.\n");
  }

  private LayoutRef baseImage(List<String> env) throws IOException {
    Path root = Files.createDirectories(dir.resolve("rootfs/etc"));
    Files.writeString(root.resolve("os-release"), "ID=test\n");
    LayerBlob layer = LayerWriter.of().writeTree(dir.resolve("rootfs"), dir.resolve("base.tar.gz"));
    ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64)
        .withLayer(layer.diffId(), new ImageConfig.History("", "rootfs", "", false)).withEnv(env).withLabels(Map.of());
    LayoutRef ref = LayoutRef.of(dir.resolve("base"), "build");
    store.pushBlob(ref, layer);
    byte[] json = config.toJson();
    store.pushManifest(ref, Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(json), json.length),
        List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer.digest(), layer.size()))), json);
    return ref;
  }

  private Path builderToml(String buildImage, String extra) throws IOException {
    module("bp", "buildpack", "samples/hello", "bin/detect", "bin/build");
    module("ext", "extension", "samples/curl", "bin/detect", "bin/generate");
    return Files.writeString(dir.resolve("builder.toml"), """
        [[buildpacks]]
        uri = "bp"
        %s
        [[extensions]]
        uri = "ext"
        [[order]]
        [[order.group]]
        id = "samples/hello"
        [[order-extensions]]
        [[order-extensions.group]]
        id = "samples/curl"
        [build]
        image = "%s"
        [[run.images]]
        image = "example.com/run"
        [lifecycle]
        version = "0.20.0"
        """.formatted(extra, buildImage));
  }

  private void module(String path, String kind, String id, String... scripts) throws IOException {
    Path d = Files.createDirectories(dir.resolve(path));
    Files.writeString(d.resolve(kind + ".toml"), "api = \"0.10\"\n[" + kind + "]\nid = \"" + id + "\"\nversion = \"1.0.0\"\n");
    for (String s : scripts) {
      Path f = Files.createDirectories(d.resolve(s).getParent()).resolve(Path.of(s).getFileName());
      Files.writeString(f, "#!/bin/sh\nexit 0\n");
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }
}
