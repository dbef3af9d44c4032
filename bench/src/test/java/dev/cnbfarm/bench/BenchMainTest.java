package dev.cnbfarm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code scripts/bench}'s command line, without running a benchmark. */
class BenchMainTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpOnABenchmarkPrintsTheUsageAndExitsZero() {
    assertThat(BenchMain.run(new String[] {"extend", "--help"}, out)).isZero();
    assertThat(output()).contains("scripts/bench <benchmark>", "-rss-megabytes");
  }

  @Test
  void anUnknownFlagIsOneLineAndExitThree() {
    assertThat(BenchMain.run(new String[] {"detect", "-bogus", "1"}, out)).isEqualTo(3);
    assertThat(output()).isEqualTo("ERROR: flag provided but not defined: -bogus (scripts/bench --help)\n");
  }

  @Test
  void anUnknownBenchmarkIsOneLineAndExitThree() {
    assertThat(BenchMain.run(new String[] {"nope"}, out)).isEqualTo(3);
    assertThat(output()).isEqualTo("ERROR: unknown benchmark 'nope' (scripts/bench --help)\n");
  }

  @Test
  void flagsTakeAValueInEitherSpelling() {
    BenchFlags flags = BenchFlags.parse(new String[] {"-runs", "3", "--copies=2"}, Set.of("runs", "copies"));
    assertThat(flags.values()).containsEntry("runs", "3").containsEntry("copies", "2");
  }
}
