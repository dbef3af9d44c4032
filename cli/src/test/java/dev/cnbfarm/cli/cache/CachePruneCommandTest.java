package dev.cnbfarm.cli.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachePruneCommandTest {
  @TempDir Path dir;
  final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

  int run(String... args) {
    return new CachePruneCommand(Map.of("CNBFARM_CACHE_DIR", dir.toString(), "CNBFARM_CACHE_MAX", "64m"),
        new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8))
        .run(args);
  }

  String out() {
    return stdout.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return stderr.toString(StandardCharsets.UTF_8);
  }

  @Test
  void allFreesTheLayerCacheBlobsNoOneUsesAndSaysHowMuch() throws IOException {
    Path blob = Files.createDirectories(dir.resolve("layer-cache/blobs")).resolve("1.tar.gz");
    Files.write(blob, new byte[3 << 20]);

    assertThat(run("--all")).as(err()).isZero();

    assertThat(blob).doesNotExist();
    assertThat(out()).isEqualTo("freed 3 MiB in 1 entries; cache now 0 MiB of budget 0 MiB\n");
  }

  @Test
  void prunesToTheBudgetOfCnbfarmCacheMaxOrOfMax() throws IOException {
    Path blob = Files.createDirectories(dir.resolve("layer-cache/blobs")).resolve("1.tar.gz");
    Files.write(blob, new byte[3 << 20]);
    Files.setLastModifiedTime(blob, java.nio.file.attribute.FileTime.fromMillis(0)); // used long ago

    assertThat(run()).isZero();
    assertThat(out()).isEqualTo("freed 0 MiB in 0 entries; cache now 3 MiB of budget 64 MiB\n");
    assertThat(run("--max", "1m")).isZero();
    assertThat(out()).endsWith("freed 3 MiB in 1 entries; cache now 0 MiB of budget 1 MiB\n");
  }

  @Test
  void helpPrintsTheUsageAndExitsZero() {
    assertThat(run("--help")).isZero();
    assertThat(out()).startsWith("Usage: cnbfarm cache prune [--max <size>] [--all]\n");
    assertThat(run("-h")).isZero();
  }

  @Test
  void aBadSizeOrAnUnknownFlagIsAOneLineErrorAndExit3() {
    assertThat(run("--max", "lots")).isEqualTo(3);
    assertThat(err()).isEqualTo("ERROR: --max='lots' is not a size (bytes, or a number with k, m or g)\n");
    stderr.reset();
    assertThat(run("--everything")).isEqualTo(3);
    assertThat(err()).isEqualTo("ERROR: unknown flag --everything\nTry 'cnbfarm cache prune --help' for usage.\n");
    stderr.reset();
    assertThat(run("--max")).isEqualTo(3);
    assertThat(err()).startsWith("ERROR: --max needs a size\n");
  }
}
