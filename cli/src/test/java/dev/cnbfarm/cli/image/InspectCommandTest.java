package dev.cnbfarm.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.cli.builder.BuilderCreateCommand;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.Manifest;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.AppImageFixture;
import dev.cnbfarm.image.testing.BusyboxRunImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cnbfarm inspect} of an exported app image, a builder made by {@code builder create}, and neither. */
class InspectCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final RoutingImageStore store = RoutingImageStore.withDefaults();

  private int inspect(String... args) {
    return new InspectCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8), store).run(args);
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void showsAnExtendedAppImagesRunImageRebasableModulesAndProcesses() throws IOException {
    LayoutRef runRef = BusyboxRunImage.write(dir.resolve("run"), "true");
    Image run = store.read(runRef);
    String app = "oci:" + dir.resolve("app") + ":app";
    AppImageFixture.export(store, dir.resolve("build"), run, runRef.toString(), ImageRef.parse(app),
        Optional.of(new AppImageFixture.Extension("false")));

    assertThat(inspect(app)).as(printed()).isZero();

    assertThat(printed()).isEqualTo("""
        Inspecting image: %s

        Base Image:
          Reference: %s
          Top Layer: %s

        Run Images:
          %s
          %s-mirror (mirror)

        Rebasable: false

        Buildpacks:
          ID    VERSION  HOMEPAGE
          bp/a  1.0      https://bp.example/a

        Extensions:
          ID     VERSION  HOMEPAGE
          ext/a  2.0      -

        Processes:
          TYPE           COMMAND  ARGS         DIRECT  BUILDPACK
          web (default)  serve    --port 8080  true    bp/a
          worker         work     -            false   bp/a
        """.formatted(app, run.pinnedRef(), run.config().diffIds().get(1).value(), runRef, runRef));
  }

  @Test
  void showsABuildersModulesOrdersAndRunImages() throws IOException {
    Path toml = builderToml(baseImage().toString());
    String builder = "oci:" + dir.resolve("builder") + ":b";
    ByteArrayOutputStream created = new ByteArrayOutputStream();
    assertThat(new BuilderCreateCommand(new PrintStream(created, true, StandardCharsets.UTF_8), store, "test")
        .run(new String[] {"--config", toml.toString(), "--image", builder})).as(created.toString()).isZero();

    assertThat(inspect(builder)).as(printed()).isZero();

    assertThat(printed()).startsWith("Inspecting builder: " + builder + "\n\n")
        .contains("""
            Run Images:
              example.com/run
              mirror.example.com/run (mirror)

            Buildpacks:
              ID             NAME  VERSION  HOMEPAGE
              samples/hello  -     1.0.0    -

            Detection Order:
              Group #1:
                samples/hello@1.0.0

            Extensions:
              ID            NAME  VERSION  HOMEPAGE
              samples/curl  -     1.0.0    -

            Detection Order (Extensions):
              Group #1:
                samples/curl@1.0.0 (optional)
            """)
        .contains("Created By:\n  Name: cnbfarm\n  Version: test\n");
  }

  @Test
  void stripsTerminalEscapesFromPrintedLabels() throws IOException {
    Path toml = builderToml(baseImage().toString());
    Files.writeString(toml, "description = \"ok\\u001b]0;pwned\\u0007\\u001b[2J\\u009bdone\\u0000\"\n" + Files.readString(toml));
    String builder = "oci:" + dir.resolve("builder") + ":b";
    ByteArrayOutputStream created = new ByteArrayOutputStream();
    assertThat(new BuilderCreateCommand(new PrintStream(created, true, StandardCharsets.UTF_8), store, "test")
        .run(new String[] {"--config", toml.toString(), "--image", builder})).as(created.toString()).isZero();

    assertThat(inspect(builder)).as(printed()).isZero();

    assertThat(printed()).contains("Description: okdone\n").doesNotContain("\u001b", "\u0007", "\u009b", "\u0000");
  }

  @Test
  void anImageThatIsNeitherIsAClearError() throws IOException {
    LayoutRef runRef = BusyboxRunImage.write(dir.resolve("run"), "true");
    assertThat(inspect(runRef.toString())).isEqualTo(1);
    assertThat(printed()).isEqualTo("ERROR: image " + runRef + " is neither a buildpacks app image (no label"
        + " io.buildpacks.lifecycle.metadata) nor a builder (no label io.buildpacks.builder.metadata)\n");
  }

  @Test
  void noImageIsExit3() {
    assertThat(inspect()).isEqualTo(3);
    assertThat(printed()).isEqualTo("ERROR: " + InspectCommand.USAGE + "\nTry 'cnbfarm inspect --help' for usage.\n");
  }

  private LayoutRef baseImage() throws IOException {
    Path root = Files.createDirectories(dir.resolve("rootfs/etc"));
    Files.writeString(root.resolve("os-release"), "ID=test\n");
    LayerBlob layer = LayerWriter.of().writeTree(dir.resolve("rootfs"), dir.resolve("base.tar.gz"));
    ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64)
        .withLayer(layer.diffId(), new ImageConfig.History("", "rootfs", "", false))
        .withEnv(List.of("CNB_USER_ID=1000", "CNB_GROUP_ID=1000")).withLabels(Map.of());
    LayoutRef ref = LayoutRef.of(dir.resolve("base"), "build");
    store.pushBlob(ref, layer);
    byte[] json = config.toJson();
    store.pushManifest(ref, Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(json), json.length),
        List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer.digest(), layer.size()))), json);
    return ref;
  }

  private Path builderToml(String buildImage) throws IOException {
    module("bp", "buildpack", "samples/hello", "bin/detect", "bin/build");
    module("ext", "extension", "samples/curl", "bin/detect", "bin/generate");
    return Files.writeString(dir.resolve("builder.toml"), """
        [[buildpacks]]
        uri = "bp"
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
        mirrors = ["mirror.example.com/run"]
        """.formatted(buildImage));
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
