package dev.cnbfarm.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtenderCommandTest {
  @TempDir Path layers;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    return new ExtenderCommand(env, new PrintStream(bytes, true, StandardCharsets.UTF_8)).run(args);
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void invalidKindExitsThree() {
    assertThat(run(Map.of(), "-kind", "both", "-layers", layers.toString())).isEqualTo(3);
    assertThat(printed()).contains("ERROR: invalid -kind 'both'");
  }

  @Test
  void kindFlagNeedsPlatform012() {
    assertThat(run(Map.of("CNB_PLATFORM_API", "0.11"), "-kind", "run", "-layers", layers.toString())).isEqualTo(3);
    assertThat(printed()).contains("-kind needs Platform API 0.12");
  }

  @Test
  void missingGroupFileNamesIt() {
    assertThat(run(Map.of("CNBFARM_CACHE_DIR", layers.resolve("cache").toString()), "-kind", "run",
        "-layers", layers.toString())).isEqualTo(1);
    assertThat(printed()).contains(layers.resolve("group.toml") + ": file not found");
  }

  @Test
  void buildKindWithoutABuildImageSaysHowToGiveOne() throws Exception {
    java.nio.file.Files.writeString(layers.resolve("group.toml"), "[[group]]\nid = \"a\"\nversion = \"1\"\napi = \"0.10\"\n");
    assertThat(run(Map.of("CNBFARM_CACHE_DIR", layers.resolve("cache").toString()), "-layers", layers.toString()))
        .isEqualTo(102);
    assertThat(printed()).contains("no build image", "-build-image");
  }
}
