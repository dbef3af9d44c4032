package dev.cnbfarm.itests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.cli.Main;
import dev.cnbfarm.image.sandbox.BusyboxImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample app, from source to a running app image, through the user-facing commands (what
 * samples/demo does): builder images from directories, detect + generate (a run-image switch, a
 * build-image extension, a run-image extension), extend build then build, extend run, export with
 * cnbfarm's launcher, and run — asserting what the running process prints.
 */
class SampleAppIT {
  private static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();
  @TempDir Path dir;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();

  private Map<String, String> env() {
    return Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "HOME", dir.toString(),
        "CNBFARM_CACHE_DIR", dir.resolve("cache").toString());
  }

  private String cli(String... args) {
    output.reset();
    int code = Main.run(args, env(), new PrintStream(output, true, StandardCharsets.UTF_8));
    String printed = output.toString(StandardCharsets.UTF_8);
    assertThat(code).as("cnbfarm %s exit code; output:%n%s", List.of(args), printed).isZero();
    return printed;
  }

  private Path rootfs(String name, String motd) throws IOException {
    Path root = Files.createDirectories(dir.resolve("rootfs").resolve(name));
    BusyboxImage.writeBaseLayer(root);
    Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\ncnb:x:1000:1000::/home/cnb:/bin/sh\n");
    Files.writeString(root.resolve("etc/group"), "root:x:0:\ncnb:x:1000:\n");
    Files.writeString(root.resolve("etc/motd"), motd + "\n");
    Path home = Files.createDirectories(root.resolve("home/cnb"));
    Files.setAttribute(home, "unix:uid", 1000, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(home, "unix:gid", 1000, LinkOption.NOFOLLOW_LINKS);
    return root;
  }

  @Test
  void buildsTheSampleAppWithAllThreeExtensionPhasesAndRunsIt() throws Exception {
    String images = "oci:" + dir.resolve("images");
    cli("image", "from-dir", "-user", "cnb", "-env", "PATH=/usr/local/bin:/bin,CNB_USER_ID=1000,CNB_GROUP_ID=1000",
        rootfs("builder", "builder").toString(), images + ":builder");
    cli("image", "from-dir", "-user", "cnb", "-env", "PATH=/bin", "-label", "io.buildpacks.rebasable=true",
        rootfs("run", "run").toString(), images + ":run");
    cli("image", "from-dir", "-user", "cnb", "-env", "PATH=/bin", "-label", "io.buildpacks.rebasable=true",
        rootfs("run-tiny", "run tiny").toString(), images + ":run-tiny");

    Build first = build(images, "layers", images + ":app");
    String run = cli("run", images + ":app");

    assertThat(first.detect).contains("Run image switched by extension to " + images + ":run-tiny (and extended)",
        "Build image will be extended by: [samples/hello-tool]");
    assertThat(first.build).contains("running as 1000:1000, HOME=/home/cnb", "hello-tool says hi to cnb");
    // env.launch (GREETING), a tool used at build time (hello-tool), a tool on PATH from the run-image
    // extension at run time (show-motd)
    assertThat(run).contains("hello from a cnbfarm sample app (built by: hello-tool says hi to cnb)",
        "motd v2: built with cnbfarm");
    Build second = build(images, "layers-again", images + ":app-again");
    assertThat(second.report).as("the same build twice gives the same image").isEqualTo(first.report);

    Path bundle = dir.resolve("bundle");
    Process umoci = new ProcessBuilder("umoci", "unpack", "--image", dir.resolve("images") + ":app", bundle.toString())
        .redirectErrorStream(true).start();
    String umociOut = new String(umoci.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(umoci.waitFor()).as("umoci unpack: %s", umociOut).isZero();
    assertThat(bundle.resolve("rootfs/workspace/app.sh")).isRegularFile();
    assertThat(bundle.resolve("rootfs/opt/motd/bin/show-motd")).isRegularFile();
    assertThat(bundle.resolve("rootfs/layers/samples_hello-extensions/greeter/bin/greet")).isRegularFile();
    assertThat(bundle.resolve("rootfs/cnb/lifecycle/launcher")).isRegularFile();

    String inspect = cli("inspect", images + ":app");
    assertThat(inspect).contains(images + ":run-tiny", "samples/hello-extensions", "samples/motd", "web");

    // a new run-tiny at the same tag (a security fix, say): rebase swaps it in under the app and the
    // run-image extension's layers, downloading nothing
    Path fixed = rootfs("run-tiny-2", "run tiny, patched");
    Files.writeString(fixed.resolve("etc/patched"), "yes\n");
    cli("image", "from-dir", "-user", "cnb", "-env", "PATH=/bin", "-label", "io.buildpacks.rebasable=true",
        fixed.toString(), images + ":run-tiny");
    cli("rebase", images + ":app");
    String rebased = cli("run", images + ":app", "--", "/bin/cat", "/etc/patched", "/opt/motd/motd");
    assertThat(rebased).contains("yes", "motd v2: built with cnbfarm");
  }

  /** detect, extend build (+ build), extend run, export: the phases of one build of the sample app. */
  private Build build(String images, String layersName, String target) throws IOException {
    Path layers = Files.createDirectories(dir.resolve(layersName));
    Path platform = Files.createDirectories(dir.resolve("platform/env"));
    Files.writeString(platform.resolve("SAMPLES_RUN_TINY"), images + ":run-tiny");
    Files.writeString(layers.resolve("analyzed.toml"), "[run-image]\nimage = \"" + images + ":run\"\nreference = \""
        + images + ":run\"\n[run-image.target]\nos = \"linux\"\narch = \"amd64\"\n\n[build-image]\nreference = \""
        + images + ":builder\"\n");
    List<String> common = List.of("-app", SAMPLES.resolve("apps/hello").toString(), "-layers", layers.toString());
    String builder = SAMPLES.resolve("builder").toString();
    String platformDir = platform.getParent().toString();
    String detect = cli(args("lifecycle", "detector", common, "-platform", platformDir,
        "-buildpacks", builder + "/buildpacks", "-extensions", builder + "/extensions",
        "-order", builder + "/order.toml", "-run", builder + "/run.toml"));
    String build = cli(args("lifecycle", "extender", common, "-kind", "build", "-platform", platformDir,
        "-buildpacks", builder + "/buildpacks", "-uid", "1000", "-gid", "1000"));
    cli(args("lifecycle", "extender", common, "-kind", "run", "-platform", platformDir));
    cli(args("lifecycle", "exporter", common, "-run", builder + "/run.toml", "-uid", "1000", "-gid", "1000", target));
    String report = Files.readString(layers.resolve("report.toml")).replaceAll("(?m)^tags = .*$", "");
    return new Build(detect, build, report);
  }

  private record Build(String detect, String build, String report) {}

  private static String[] args(String a, String b, List<String> common, String... more) {
    List<String> all = new ArrayList<>(List.of(a, b));
    all.addAll(common);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
