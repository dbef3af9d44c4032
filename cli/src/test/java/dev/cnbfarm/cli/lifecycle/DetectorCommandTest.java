package dev.cnbfarm.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The phase command end to end on the repository's sample builder (real /bin/detect and /bin/generate). */
class DetectorCommandTest {
  private static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();
  @TempDir Path layers;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  private int run(Map<String, String> extraEnv, String... extraArgs) throws IOException {
    Files.copy(SAMPLES.resolve("builder/analyzed.toml"), layers.resolve("analyzed.toml"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Map<String, String> env = new HashMap<>(Map.of("PATH", "/usr/bin:/bin"));
    env.putAll(extraEnv);
    String[] base = {"-app", SAMPLES.resolve("apps/hello").toString(),
        "-buildpacks", SAMPLES.resolve("builder/buildpacks").toString(),
        "-extensions", SAMPLES.resolve("builder/extensions").toString(),
        "-order", SAMPLES.resolve("builder/order.toml").toString(),
        "-run", SAMPLES.resolve("builder/run.toml").toString(),
        "-platform", SAMPLES.resolve("platform").toString(),
        "-layers", layers.toString()};
    String[] args = new String[base.length + extraArgs.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extraArgs, 0, args, base.length, extraArgs.length);
    return new DetectorCommand(env, new PrintStream(bytes, true, StandardCharsets.UTF_8)).run(args);
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void detectsAndGeneratesTheSampleWithAllThreeExtensionKinds() throws IOException {
    assertThat(run(Map.of())).isZero();
    assertThat(printed()).contains("pass: samples/hello-extensions@0.0.1", "Build image will be extended by: [samples/hello-tool]");
    assertThat(Files.readString(layers.resolve("group.toml"))).contains("[[group-extensions]]", "samples/motd");
    assertThat(Files.readString(layers.resolve("analyzed.toml")))
        .contains("image = \"127.0.0.1:5000/samples/run-tiny:bookworm\"", "extend = true").doesNotContain("reference");
    assertThat(layers.resolve("generated/samples_hello-tool/build.Dockerfile")).exists();
    assertThat(layers.resolve("generated/samples_motd/context.run/motd")).hasContent("motd v2: built with cnbfarm");
    assertThat(Files.readString(layers.resolve("plan.toml"))).doesNotContain("hello-tool").doesNotContain("motd");
  }

  @Test
  void unsupportedPlatformApiExitsEleven() throws IOException {
    assertThat(run(Map.of("CNB_PLATFORM_API", "0.9"))).isEqualTo(11);
    assertThat(printed()).contains("ERROR: platform API version '0.9' is incompatible");
  }

  @Test
  void experimentalGateFailsBeforePlatform013() throws IOException {
    assertThat(run(Map.of("CNB_PLATFORM_API", "0.12"))).isEqualTo(1);
    assertThat(printed()).contains("CNB_EXPERIMENTAL_MODE=warn");
  }

  @Test
  void unknownFlagExitsThree() throws IOException {
    assertThat(run(Map.of(), "-kind", "build")).isEqualTo(3);
    assertThat(printed()).contains("flag provided but not defined: -kind");
  }

  @Test
  void noPassingGroupExitsTwentyAndPrintsTheHeldDetail(@TempDir Path app) throws IOException {
    Path bps = layers.resolve("bps/only_fails/1.0.0");
    Files.createDirectories(bps.resolve("bin"));
    Files.writeString(bps.resolve("buildpack.toml"), "api = \"0.10\"\n[buildpack]\nid = \"only/fails\"\nversion = \"1.0.0\"\n");
    Path detect = bps.resolve("bin/detect");
    Files.writeString(detect, "#!/bin/sh\necho 'no package.json here'\nexit 100\n");
    detect.toFile().setExecutable(true);
    Path order = layers.resolve("order-fail.toml");
    Files.writeString(order, "[[order]]\n[[order.group]]\nid = \"only/fails\"\nversion = \"1.0.0\"\n");
    int code = new DetectorCommand(Map.of("PATH", "/usr/bin:/bin"), new PrintStream(bytes, true, StandardCharsets.UTF_8))
        .run(new String[] {"-app", app.toString(), "-buildpacks", layers.resolve("bps").toString(),
            "-order", order.toString(), "-layers", layers.toString(), "-platform", app.toString()});
    assertThat(code).isEqualTo(20);
    assertThat(printed()).contains("fail: only/fails@1.0.0 (detect exited 100 (fail))", "no package.json here",
        "ERROR: No buildpack groups passed detection.");
  }
}
