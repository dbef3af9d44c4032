package dev.cnbfarm.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.store.OciLayoutImageStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cnbfarm lifecycle restorer}'s flags, env vars, API gates and exit codes. */
class RestorerCommandTest {
  @TempDir Path dir;
  Path layers;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  @BeforeEach
  void group() throws IOException {
    layers = Files.createDirectories(dir.resolve("layers"));
    Files.writeString(layers.resolve("group.toml"), "[[group]]\nid = \"acme/a\"\nversion = \"1\"\napi = \"0.10\"\n");
  }

  private int run(Map<String, String> env, String... args) {
    return new RestorerCommand(env, new PrintStream(bytes, true, StandardCharsets.UTF_8),
        hosts -> new OciLayoutImageStore()).run(args);
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void withoutACacheItRestoresNothingAndExitsZero() {
    assertThat(run(Map.of("CNB_PLATFORM_API", "0.14"), "-layers", layers.toString(), "-skip-layers")).isZero();
    assertThat(printed()).contains("Skipping buildpack layer analysis");
  }

  @Test
  void aMissingCacheDirExits42() {
    assertThat(run(Map.of(), "-layers", layers.toString(), "-cache-dir", dir.resolve("nope").toString())).isEqualTo(42);
    assertThat(printed()).contains("ERROR:", "cache dir " + dir.resolve("nope") + " does not exist")
        .doesNotContain("Exception");
  }

  @Test
  void theCacheDirMayComeFromTheEnvironment() throws IOException {
    Path cache = Files.createDirectories(dir.resolve("cache"));
    assertThat(run(Map.of("CNB_CACHE_DIR", cache.toString()), "-layers", layers.toString())).isZero();
    assertThat(cache.resolve("committed")).isDirectory();
  }

  @Test
  void insecureRegistryNeedsPlatform013() {
    assertThat(run(Map.of("CNB_PLATFORM_API", "0.12"), "-layers", layers.toString(), "-insecure-registry", "h:5000"))
        .isEqualTo(3);
    assertThat(printed()).contains("flag -insecure-registry needs Platform API 0.13");
  }

  @Test
  void anUnsupportedBuildpackApiInTheGroupExits12() throws IOException {
    Files.writeString(layers.resolve("group.toml"), "[[group]]\nid = \"acme/a\"\nversion = \"1\"\napi = \"0.1\"\n");
    assertThat(run(Map.of(), "-layers", layers.toString())).isEqualTo(12);
  }

  @Test
  void argumentsAreRefused() {
    assertThat(run(Map.of(), List.of("-layers", layers.toString(), "extra").toArray(String[]::new))).isEqualTo(3);
  }
}
