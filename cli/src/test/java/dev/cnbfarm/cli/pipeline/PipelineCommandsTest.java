package dev.cnbfarm.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline commands' usage errors: one ERROR line, exit 3, no stack trace, before any broker is needed. */
class PipelineCommandsTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(args, Map.of("CNBFARM_CACHE_DIR", dir.resolve("cache").toString()), new PrintStream(bytes, true));
  }

  @Test
  void buildWithoutABuilderIsAUsageError() {
    assertThat(run("build", "--app", dir.toString(), "--image", "oci:" + dir + ":app")).isEqualTo(3);
    assertThat(bytes.toString()).contains("ERROR:").contains("--builder").doesNotContain("Exception");
  }

  @Test
  void buildWithAnAppThatIsNoDirectoryFailsBeforeStartingABroker() {
    assertThat(run("build", "--builder", "oci:" + dir + ":b", "--app", dir.resolve("nope").toString(), "--image",
        "oci:" + dir + "/out:app")).isEqualTo(3);
    assertThat(bytes.toString()).contains("--app").contains("is not a directory").doesNotContain("Embedded Kafka");
  }

  @Test
  void submitNeedsABootstrap() {
    assertThat(run("submit", "--builder", "oci:" + dir + ":b", "--app", dir.toString(), "--image",
        "oci:" + dir + "/out:app")).isEqualTo(3);
    assertThat(bytes.toString()).contains("--bootstrap is required");
  }

  @Test
  void anEnvFlagWithoutEqualsIsAUsageError() {
    assertThat(run("build", "--builder", "oci:" + dir + ":b", "--app", dir.toString(), "--image",
        "oci:" + dir + "/out:app", "--env", "NOEQUALS")).isEqualTo(3);
    assertThat(bytes.toString()).contains("--env 'NOEQUALS' is not K=V");
  }

  @Test
  void aBuildpackDirWithoutBuildpackTomlIsAClearErrorBeforeStartingABroker() throws Exception {
    java.nio.file.Files.createDirectories(dir.resolve("not-a-buildpack"));

    assertThat(run("build", "--builder", "oci:" + dir + ":b", "--app", dir.toString(), "--image",
        "oci:" + dir + "/out:app", "--buildpack", dir.resolve("not-a-buildpack").toString())).isEqualTo(3);

    assertThat(bytes.toString()).contains("ERROR:", "--buildpack " + dir.resolve("not-a-buildpack"),
        "no buildpack.toml in the directory").doesNotContain("Exception", "\tat ", "Embedded Kafka");
  }

  @Test
  void aMalformedExtensionTomlIsAClearErrorNamingTheFile() throws Exception {
    Path ext = java.nio.file.Files.createDirectories(dir.resolve("bad-ext"));
    java.nio.file.Files.writeString(ext.resolve("extension.toml"), "api = \"0.10\"\n[extension]\nversion = \"1\"\n");

    assertThat(run("build", "--builder", "oci:" + dir + ":b", "--app", dir.toString(), "--image",
        "oci:" + dir + "/out:app", "--extension", ext.toString())).isEqualTo(3);

    assertThat(bytes.toString()).contains("ERROR:", "--extension " + ext, "extension.toml", "id")
        .doesNotContain("Exception", "\tat ", "Embedded Kafka");
  }

  @Test
  void aBuildpackPathThatDoesNotExistIsAClearError() {
    assertThat(run("build", "--builder", "oci:" + dir + ":b", "--app", dir.toString(), "--image",
        "oci:" + dir + "/out:app", "--buildpack", dir.resolve("missing").toString())).isEqualTo(3);

    assertThat(bytes.toString()).contains("ERROR:", "'" + dir.resolve("missing") + "' is not a module directory")
        .doesNotContain("Exception");
  }

  @Test
  void theExtendWorkerNeedsItsRole() {
    assertThat(run("worker", "extend", "--bootstrap", "127.0.0.1:1")).isEqualTo(3);
    assertThat(bytes.toString()).contains("--role is required: build or run");
    bytes.reset();
    assertThat(run("worker", "extend", "--role", "export", "--bootstrap", "127.0.0.1:1")).isEqualTo(3);
    assertThat(bytes.toString()).contains("--role 'export' is not one of build, run");
  }

  @Test
  void everyPipelineCommandHasHelp() {
    for (String[] command : new String[][] {{"build"}, {"submit"}, {"follow"}, {"status"}, {"history"}, {"replay"},
        {"worker", "detect"}, {"worker", "extend"}, {"worker", "export"}, {"dlq", "list"}, {"dlq", "redrive"}}) {
      bytes.reset();
      String[] args = java.util.Arrays.copyOf(command, command.length + 1);
      args[command.length] = "--help";
      assertThat(run(args)).as(String.join(" ", command)).isZero();
      assertThat(bytes.toString()).as(String.join(" ", command)).contains("--bootstrap");
    }
  }
}
