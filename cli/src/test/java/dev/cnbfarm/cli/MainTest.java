package dev.cnbfarm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each command is reached from {@code cnbfarm}: every dispatch test expects what only that command
 * prints for a bad input, so it fails when the command's registration is removed.
 */
class MainTest {
  @TempDir
  Path dir;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(args, Map.of("CNBFARM_CACHE_DIR", dir.resolve("cache").toString()),
        new PrintStream(bytes, true, StandardCharsets.UTF_8), new PrintStream(errBytes, true, StandardCharsets.UTF_8));
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsBuilderCreate() {
    assertThat(run("help")).isZero();
    assertThat(printed()).contains("builder create --config <builder.toml> --image <ref>");
  }

  @Test
  void aloneItPrintsTheUsageAndExitsThree() {
    assertThat(run()).isEqualTo(3);
    assertThat(printed()).startsWith("Usage: cnbfarm <command> [flags]").contains("lifecycle detector [flags]");
  }

  @Test
  void builderWithoutCreateIsAUsageError() {
    assertThat(run("builder")).isEqualTo(3);
    assertThat(printed()).startsWith("ERROR: usage: cnbfarm builder create");
  }

  @Test
  void builderCreateIsDispatched() {
    Path config = dir.resolve("none/builder.toml");
    assertThat(run("builder", "create", "--config", config.toString(), "--image", "oci:" + dir.resolve("b"))).isEqualTo(1);
    assertThat(printed()).isEqualTo("ERROR: " + config + ": file not found\n");
  }

  @Test
  void rebaseAndInspectAreListedAndDispatched() {
    assertThat(run("help")).isZero();
    assertThat(printed())
        .contains("rebase <app-image> [--run-image <image>] [--force] [--tag <image>]...", "inspect <image>");
    bytes.reset();
    assertThat(run("rebase")).isEqualTo(3);
    assertThat(printed()).startsWith("ERROR: usage: cnbfarm rebase <app-image>");
    bytes.reset();
    assertThat(run("rebase", "a", "--run-image")).isEqualTo(3);
    assertThat(printed()).isEqualTo("ERROR: --run-image needs a value\nTry 'cnbfarm rebase --help' for usage.\n");
    bytes.reset();
    assertThat(run("inspect")).isEqualTo(3);
    assertThat(printed()).isEqualTo("ERROR: usage: cnbfarm inspect <image>\nTry 'cnbfarm inspect --help' for usage.\n");
  }

  @Test
  void rebaseIsDispatched() {
    assertThat(run("rebase", "app", "--run-image")).isEqualTo(3);
    assertThat(printed()).isEqualTo("ERROR: --run-image needs a value\nTry 'cnbfarm rebase --help' for usage.\n");
  }

  @Test
  void inspectIsDispatched() {
    assertThat(run("inspect", "a", "b")).isEqualTo(3);
    assertThat(printed()).isEqualTo("ERROR: usage: cnbfarm inspect <image>\nTry 'cnbfarm inspect --help' for usage.\n");
  }

  @Test
  void lifecycleDetectorIsDispatched() {
    Path order = dir.resolve("none.toml");
    assertThat(run("lifecycle", "detector", "-layers", dir.toString(), "-order", order.toString())).isEqualTo(1);
    assertThat(printed()).isEqualTo("ERROR: " + order + ": file not found\n");
  }

  @Test
  void lifecycleBuilderIsDispatched() {
    assertThat(run("lifecycle", "builder", "x")).isEqualTo(3);
    assertThat(printed()).isEqualTo("ERROR: builder takes no arguments, got [x]\n"
        + "Try 'cnbfarm lifecycle builder --help' for usage.\n");
  }

  @Test
  void lifecycleExtenderIsDispatched() {
    assertThat(run("lifecycle", "extender", "-kind", "both", "-layers", dir.toString())).isEqualTo(3);
    assertThat(printed()).startsWith("ERROR: invalid -kind 'both'");
  }

  @Test
  void lifecycleExporterIsDispatched() {
    assertThat(run("lifecycle", "exporter", "-layers", dir.toString())).isEqualTo(3);
    assertThat(printed()).startsWith("ERROR: at least one image name is required");
  }

  @Test
  void imageFromDirIsDispatched() {
    Path missing = dir.resolve("no-dir");
    assertThat(run("image", "from-dir", missing.toString(), "oci:" + dir.resolve("x"))).isEqualTo(3);
    assertThat(printed()).isEqualTo("ERROR: " + missing + " is not a directory\n");
  }

  @Test
  void runIsDispatchedAndReportsOnStderrWith125() {
    assertThat(run("run", "--bogus", "img")).isEqualTo(125);
    assertThat(printed()).isEmpty();
    assertThat(errBytes.toString(StandardCharsets.UTF_8))
        .isEqualTo("ERROR: unknown flag --bogus\nTry 'cnbfarm run --help' for usage.\n");
  }

  @Test
  void versionIsACommandAndAFlag() {
    assertThat(run("version")).isZero();
    assertThat(printed()).isEqualTo("cnbfarm " + Main.version() + "\n");
    bytes.reset();
    assertThat(run("--version")).isZero();
    assertThat(printed()).isEqualTo("cnbfarm " + Main.version() + "\n");
  }

  @Test
  void helpTakesACommandAndItsSubcommand() {
    assertThat(run("help", "lifecycle", "builder")).isZero();
    assertThat(printed()).startsWith("Usage: cnbfarm lifecycle builder [flags]").contains("-app, --app=<dir>");
    bytes.reset();
    assertThat(run("help", "lifecycle", "nope")).isEqualTo(3);
    assertThat(printed()).startsWith("ERROR: unknown command 'lifecycle nope'");
  }

  @Test
  void completionPrintsABashScriptForTheWholeTree() {
    assertThat(run("completion", "bash")).isZero();
    assertThat(printed()).contains("complete -F", "lifecycle", "exporter", "--run-image");
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    assertThat(run("bogus")).isEqualTo(3);
    assertThat(printed()).isEqualTo("ERROR: unknown command 'bogus'\nTry 'cnbfarm --help' for usage.\n");
    bytes.reset();
    assertThat(run("lifecycle", "bogus")).isEqualTo(3);
    assertThat(printed()).isEqualTo("ERROR: unknown lifecycle command 'bogus' (available: analyzer, detector, restorer, "
        + "builder, extender, exporter)\nTry 'cnbfarm lifecycle --help' for usage.\n");
  }
}
