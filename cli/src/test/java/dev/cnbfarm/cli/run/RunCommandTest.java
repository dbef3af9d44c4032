package dev.cnbfarm.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.Manifest;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.testing.ShLauncherAppImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cnbfarm run} on an app image exported with cnbfarm's sh launcher (an {@code oci:}
 * layout): the default process, {@code --process}, args after {@code --}, the exit code.
 */
class RunCommandTest {
  @TempDir static Path dir;
  static ImageRef app;

  final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

  @BeforeAll
  static void exportApp() throws IOException {
    app = ShLauncherAppImage.export(dir, new OciLayoutImageStore());
  }

  int run(boolean root, String... args) {
    return new RunCommand(Map.of("CNBFARM_CACHE_DIR", dir.resolve("cache").toString()),
        new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8),
        OciLayoutImageStore::new, () -> root).run(args);
  }

  String out() {
    return stdout.toString(StandardCharsets.UTF_8);
  }

  @Test
  void runsTheDefaultProcessWithEnvLaunchAndTheLaunchLayersBin() {
    assertThat(run(true, app.toString())).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out()).isEqualTo("hello GREETING=from env.launch process=web pwd=/workspace uid=1000 args=--from-web\n");
  }

  @Test
  void processFlagRunsTheOtherProcessWithTheArgsAfterTheDoubleDash() {
    assertThat(run(true, app.toString(), "--process", "other", "--", "and", "more")).isZero();
    assertThat(out()).isEqualTo("other process and more\n");
  }

  @Test
  void theProcessExitCodeIsPassedThrough() {
    assertThat(run(true, "--process=fail", app.toString())).isEqualTo(7);
  }

  @Test
  void withoutRootItFailsClearlyBeforeLoadingAnything() {
    assertThat(run(false, app.toString())).isEqualTo(125);
    assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("cnbfarm run needs root");
  }

  @Test
  void aMissingImageIsAnErrorNotAnExitCodeOfTheApp() {
    assertThat(run(true, "oci:" + dir.resolve("none") + ":app")).isEqualTo(125);
    assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("ERROR: cannot run");
  }

  @Test
  void aHostileLayerIsAnError125WithOneLineAndNoStackTrace() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("hostile-src"));
    Files.writeString(tree.resolve("evil"), "x");
    Path tar = dir.resolve("hostile.tar");
    Process p = new ProcessBuilder("tar", "-C", tree.toString(), "--transform", "s,^,../../../../../../tmp/,",
        "-cf", tar.toString(), "evil").redirectErrorStream(true).start();
    assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    Path gz = dir.resolve("hostile.tar.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(tar, out);
    }
    LayerBlob layer = new LayerBlob(gz, Digest.of(Files.readAllBytes(gz)), Digest.of(Files.readAllBytes(tar)),
        Files.size(gz));
    ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64)
        .withLayer(layer.diffId(), new ImageConfig.History("", "hostile", "", false)).withCmd(List.of("sh"));
    LayoutRef ref = LayoutRef.of(dir.resolve("hostile-layout"), "hostile");
    OciLayoutImageStore store = new OciLayoutImageStore();
    store.pushBlob(ref, layer);
    byte[] json = config.toJson();
    store.pushManifest(ref, Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(json), json.length),
        List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer.digest(), layer.size()))), json);

    int code = run(true, "oci:" + dir.resolve("hostile-layout") + ":hostile");

    String err = stderr.toString(StandardCharsets.UTF_8);
    assertThat(code).as(err).isEqualTo(125);
    assertThat(err.lines()).singleElement().asString().startsWith("ERROR: cannot run ").doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @Test
  void parsesTheImageTheProcessAndTheArgs() {
    assertThat(RunCommand.parse(new String[] {"img", "--process", "web", "--", "-x", "--process"}))
        .isEqualTo(new RunCommand.Args("img", "web", List.of("-x", "--process")));
    assertThatThrownBy(() -> RunCommand.parse(new String[] {"img", "extra"}))
        .hasMessageContaining("pass the command's args after --");
    assertThatThrownBy(() -> RunCommand.parse(new String[] {"--process"})).hasMessageContaining("needs a process type");
    assertThatThrownBy(() -> RunCommand.parse(new String[0])).hasMessageContaining("an image is required");
  }
}
