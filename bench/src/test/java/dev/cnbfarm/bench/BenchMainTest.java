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

  @Test
  void helpListsThePipelineBenchmarkAndItsFlags() {
    assertThat(BenchMain.run(new String[] {"pipeline", "--help"}, out)).isZero();
    assertThat(output()).contains("pipeline [flags]", "-builds 40", "-replicas 4", "-partitions 8", "-parts abcd");
  }

  @Test
  void aPipelinePartThatDoesNotExistIsOneLineAndExitThree() {
    assertThat(BenchMain.run(new String[] {"pipeline", "-parts", "ax"}, out)).isEqualTo(3);
    assertThat(output()).isEqualTo("ERROR: -parts takes letters of abcd, not 'ax' (scripts/bench --help)\n");
  }

  @Test
  void aPipelineCountMustBePositive() {
    assertThat(BenchMain.run(new String[] {"pipeline", "-builds", "0"}, out)).isEqualTo(3);
    assertThat(output()).isEqualTo("ERROR: -builds takes a positive number, not '0' (scripts/bench --help)\n");
  }

  @Test
  void helpListsTheFarmBenchmarkAndItsFlags() {
    assertThat(BenchMain.run(new String[] {"farm", "--help"}, out)).isZero();
    assertThat(output()).contains("farm [flags]", "-builds 20", "-replicas 1,2,4", "-others 2");
  }

  @Test
  void aFarmReplicaCountOutOfRangeIsOneLineAndExitThree() {
    assertThat(BenchMain.run(new String[] {"farm", "-replicas", "1,9"}, out)).isEqualTo(3);
    assertThat(output()).isEqualTo("ERROR: -replicas takes counts 1..8 separated by commas, not '9'"
        + " (scripts/bench --help)\n");
  }

  @Test
  void quantilesTakeTheNearestRank() {
    Quantiles q = Quantiles.of(java.util.List.of(5.0, 1.0, 4.0, 2.0, 3.0));
    assertThat(q.median()).isEqualTo(3.0);
    assertThat(q.percentile(99)).isEqualTo(5.0);
    assertThat(q.percentile(20)).isEqualTo(1.0);
    assertThat(q.percentile(40)).isEqualTo(2.0);
  }
}
