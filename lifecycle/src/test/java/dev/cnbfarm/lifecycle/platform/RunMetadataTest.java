package dev.cnbfarm.lifecycle.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run.toml read from a file and parsed from the text an event carries give the same images. */
class RunMetadataTest {
  static final String TOML = """
      [[images]]
      image = "registry.example/run:1"
      mirrors = ["mirror.example/run:1"]

      [[images]]
      image = "registry.example/run-tiny:1"
      """;

  @Test
  void parsesTheTextAsReadParsesTheFile(@TempDir Path tmp) throws IOException {
    Path file = Files.writeString(tmp.resolve("run.toml"), TOML);

    RunMetadata parsed = RunMetadata.parse(TOML, "run.toml of the event");

    assertThat(parsed).isEqualTo(RunMetadata.read(file));
    assertThat(parsed.images()).containsExactly(
        new RunMetadata.RunImage("registry.example/run:1", List.of("mirror.example/run:1")),
        new RunMetadata.RunImage("registry.example/run-tiny:1", List.of()));
  }

  @Test
  void emptyTextHasNoImagesAsAnAbsentFile() {
    assertThat(RunMetadata.parse("", "run.toml").images()).isEmpty();
  }

  @Test
  void malformedTextIsInvalidInputNamingItsLabel() {
    assertThatThrownBy(() -> RunMetadata.parse("[[images]\nimage = 1", "run.toml of build b1"))
        .isInstanceOfSatisfying(LifecycleException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.INVALID_INPUT))
        .hasMessageStartingWith("run.toml of build b1: malformed TOML");
  }
}
