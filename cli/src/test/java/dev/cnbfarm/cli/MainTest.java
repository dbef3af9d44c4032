package dev.cnbfarm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(args, Map.of(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsBuilderCreate() {
    assertThat(run("help")).isZero();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("builder create --config <builder.toml> --image <ref>");
  }

  @Test
  void builderWithoutCreateIsAUsageError() {
    assertThat(run("builder")).isEqualTo(3);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("ERROR: usage: cnbfarm builder create");
  }

  @Test
  void builderCreateIsDispatched() {
    assertThat(run("builder", "create")).isEqualTo(3);
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .isEqualTo("ERROR: usage: cnbfarm builder create --config <builder.toml> --image <image-ref>\n");
  }

  @Test
  void rebaseAndInspectAreListedAndDispatched() {
    assertThat(run("help")).isZero();
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("rebase <app-image> [--run-image <image>] [--force] [--tag <image>]...", "inspect <image>");
    bytes.reset();
    assertThat(run("rebase")).isEqualTo(3);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("ERROR: usage: cnbfarm rebase <app-image>");
    bytes.reset();
    assertThat(run("inspect")).isEqualTo(3);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("ERROR: usage: cnbfarm inspect <image>\n");
  }
}
