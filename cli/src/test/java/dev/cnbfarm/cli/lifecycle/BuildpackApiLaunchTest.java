package dev.cnbfarm.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.cli.run.RunCommand;
import dev.cnbfarm.engine.testing.Fixtures;
import dev.cnbfarm.engine.testing.PaketoShapedBuildpacks;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.RegistryImageStore;
import dev.cnbfarm.image.store.RegistrySettings;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.BusyboxRunImage;
import dev.cnbfarm.image.testing.LocalRegistry;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Buildpacks of each Buildpack API (0.7 to 0.12) through {@code cnbfarm lifecycle detector},
 * {@code builder} and {@code exporter} (without a launcher file, so with cnbfarm's sh launcher on
 * the busybox run image), then {@code cnbfarm run}: what the launcher does with each version's
 * processes, as the reference's launch package does (shell for {@code direct = false}, user args
 * after (< 0.9) or instead of (0.9+) the process args, working-dir from 0.8).
 */
class BuildpackApiLaunchTest {
  @TempDir static Path shared;
  static LocalRegistry registry;
  static RoutingImageStore store;
  static Image run;

  @TempDir Path tmp;

  @BeforeAll
  static void runImageInRegistry() throws IOException {
    registry = LocalRegistry.start();
    store = new RoutingImageStore(new OciLayoutImageStore(), RegistryImageStore.of(RegistrySettings.defaults()));
    run = BusyboxRunImage.copy(store, BusyboxRunImage.write(shared, "true"),
        ImageRef.parse(registry.host() + "/cli/bpapi-run:base"), shared);
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  /** Detects, builds and exports {@code fx}'s order; returns the image. */
  private String buildAndExport(Fixtures fx, String tag) throws IOException {
    Files.writeString(fx.analyzedPath(), "[run-image]\nreference = \"" + run.pinnedRef() + "\"\n");
    assertThat(Fixtures.exitCode(fx.detect("0.13"))).isZero();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
    int built = new BuilderCommand(Map.of("PATH", "/usr/bin:/bin", "CNB_PLATFORM_API", "0.13"), out).run(new String[] {
        "-app", fx.app().toString(), "-buildpacks", tmp.resolve("cnb/buildpacks").toString(),
        "-layers", fx.layers().toString(), "-platform", fx.platform().toString(), "-log-level", "info"});
    assertThat(built).as(log.toString(StandardCharsets.UTF_8)).isZero();
    String image = registry.host() + "/cli/bpapi:" + tag;
    Files.writeString(tmp.resolve("run.toml"), "[[images]]\nimage = \"" + registry.host() + "/cli/bpapi-run\"\n");
    int exported = new ExporterCommand(Map.of("CNB_PLATFORM_API", "0.13"), out, () -> store).run(new String[] {"-layers",
        fx.layers().toString(), "-app", fx.app().toString(), "-launcher", tmp.resolve("no-launcher").toString(),
        "-run", tmp.resolve("run.toml").toString(), "-uid", "1000", "-gid", "1000", image});
    assertThat(exported).as(log.toString(StandardCharsets.UTF_8)).isZero();
    return image;
  }

  /** {@code cnbfarm run image [--process type] [-- args]}: its stdout; fails on a non-zero exit. */
  private String cnbfarmRun(String image, String process, String... args) {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    List<String> argv = new ArrayList<>(List.of(image));
    if (!process.isEmpty()) {
      argv.addAll(List.of("--process", process));
    }
    if (args.length > 0) {
      argv.add("--");
      argv.addAll(List.of(args));
    }
    int code = new RunCommand(Map.of("CNBFARM_CACHE_DIR", shared.resolve("run-cache").toString()),
        new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8),
        () -> store).run(argv.toArray(String[]::new));
    assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
    return stdout.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.7", "0.8", "0.9", "0.10", "0.11", "0.12"})
  void theLauncherRunsEachApisProcessesAsTheReferenceDoes(String api) throws IOException {
    boolean legacy = ApiVersion.parse(api).lessThan("0.9");
    Fixtures fx = Fixtures.in(tmp).order("[[order]]\n[[order.group]]\nid = \"bp/a\"\n");
    // A launch layer gives GREETING; the processes print it through a shell (below 0.9: direct =
    // false, the default) or as a literal argument (0.9+: always direct).
    String processes = legacy ? """
        [[processes]]
        type = "web"
        command = "echo greeting=$GREETING"
        default = true

        [[processes]]
        type = "args"
        command = "echo"
        args = ["fixed", "$GREETING", "a;b"]

        [[processes]]
        type = "direct"
        command = "echo"
        args = ["$GREETING"]
        direct = true

        [[processes]]
        type = "pwd"
        command = "pwd"
        working-dir = "/tmp"
        """ : """
        [[processes]]
        type = "web"
        command = ["echo", "greeting=$GREETING"]
        default = true

        [[processes]]
        type = "args"
        command = ["echo"]
        args = ["fixed", "$GREETING", "a;b"]

        [[processes]]
        type = "direct"
        command = ["echo"]
        args = ["$GREETING"]

        [[processes]]
        type = "pwd"
        command = ["pwd"]
        working-dir = "/tmp"
        """;
    fx.buildpack("bp/a").api(api).detect("exit 0").build("""
        mkdir -p "$1/greet/env.launch"
        printf 'hello' > "$1/greet/env.launch/GREETING"
        printf '[types]\\nlaunch = true\\n' > "$1/greet.toml"
        cat > "$1/launch.toml" <<'EOF'
        """ + processes + "EOF\n");
    String image = buildAndExport(fx, "api-" + api.replace('.', '-'));

    assertThat(cnbfarmRun(image, "")).isEqualTo(legacy ? "greeting=hello\n" : "greeting=$GREETING\n");
    assertThat(cnbfarmRun(image, "args")).as("below 0.9 each arg is one word after the shell expands it")
        .isEqualTo(legacy ? "fixed hello a;b\n" : "fixed $GREETING a;b\n");
    assertThat(cnbfarmRun(image, "args", "user")).as("user args follow the process args below 0.9, replace them"
        + " from 0.9").isEqualTo(legacy ? "fixed hello a;b user\n" : "user\n");
    assertThat(cnbfarmRun(image, "direct")).isEqualTo("$GREETING\n");
    assertThat(cnbfarmRun(image, "pwd")).as("working-dir from Buildpack API 0.8")
        .isEqualTo(ApiVersion.parse(api).atLeast("0.8") ? "/tmp\n" : "/workspace\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.7", "0.8"})
  void thePaketoShapedDependencyBuildpacksProcessesRunThroughTheLauncher(String api) throws IOException {
    Fixtures fx = Fixtures.in(tmp).order("[[order]]\n[[order.group]]\nid = \"" + PaketoShapedBuildpacks.DEPENDENCY_ID
        + "\"\n");
    PaketoShapedBuildpacks.dependency(fx, api);
    String image = buildAndExport(fx, "dependency-" + api.replace('.', '-'));

    assertThat(cnbfarmRun(image, "")).isEqualTo("web on port 8080 with dependency 1.0.0\n");
    // each arg is expanded by `eval echo`, as the reference's bash.go: the two spaces become one there too
    assertThat(cnbfarmRun(image, "shell-args")).isEqualTo("port=8080 two spaces\n");
    assertThat(cnbfarmRun(image, "tool", "extra")).isEqualTo("dependency 1.0.0 --from-process extra\n");
  }
}
