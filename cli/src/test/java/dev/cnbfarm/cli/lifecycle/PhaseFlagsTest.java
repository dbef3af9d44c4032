package dev.cnbfarm.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The lifecycle commands' flags parse as Go's {@code flag} package parses them (was GoFlagsTest). */
class PhaseFlagsTest {
  private static final Set<String> FLAGS = Set.of("app", "layers");
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  private static ParseResult parse(String... args) {
    return new CommandLine(PhaseFlags.spec("exporter", FLAGS, (Runnable) () -> {})).parseArgs(args);
  }

  private int run(String... args) {
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    return PhaseCommandRunner.execute(PhaseCommandRunner.commandLine("builder", FLAGS, Map.of(), out,
        dev.cnbfarm.lifecycle.failure.FailureCode.BUILD_ERROR, (in, reporter) -> 0), out, args);
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void acceptsEveryGoSpelling() {
    ParseResult f = parse("-app", "/a", "--layers=/l", "-no-color", "rest", "-x");
    assertThat(PhaseFlags.values(f)).containsEntry("app", "/a").containsEntry("layers", "/l")
        .containsEntry("no-color", "true");
    assertThat(PhaseFlags.positional(f)).containsExactly("rest", "-x");
  }

  @Test
  void stopsAtDoubleDash() {
    assertThat(PhaseFlags.positional(parse("-app", "/a", "--", "-layers"))).containsExactly("-layers");
  }

  @Test
  void theLastValueWinsAndAValueMayStartWithADash() {
    assertThat(PhaseFlags.values(parse("-app", "a", "--app", "-b", "-app=", "-layers", "-app")))
        .containsEntry("app", "").containsEntry("layers", "-app");
  }

  @Test
  void aBooleanTakesAnEqualsValue() {
    assertThat(PhaseFlags.values(parse("-no-color=false"))).containsEntry("no-color", "false");
  }

  @Test
  void theAnalyzersBooleansNeedNoValueAndItsSliceFlagsRepeat() {
    ParseResult f = new CommandLine(PhaseFlags.spec("analyzer", AnalyzerCommand.FLAGS, (Runnable) () -> {}))
        .parseArgs("-skip-layers", "-tag", "r/a:1", "-tag=r/a:2", "-layout=false", "-daemon", "img");
    assertThat(PhaseFlags.values(f)).containsEntry("skip-layers", "true").containsEntry("tag", "r/a:1,r/a:2")
        .containsEntry("layout", "false").containsEntry("daemon", "true");
    assertThat(PhaseFlags.positional(f)).containsExactly("img");
  }

  @Test
  void rejectsUnknownFlagWithInvalidArgsCode() {
    assertThat(run("-bogus", "x")).isEqualTo(3);
    assertThat(printed()).isEqualTo("ERROR: flag provided but not defined: -bogus\n"
        + "Try 'cnbfarm lifecycle builder --help' for usage.\n");
  }

  @Test
  void rejectsStringFlagWithoutValue() {
    assertThat(run("-app")).isEqualTo(3);
    assertThat(printed()).startsWith("ERROR: flag needs an argument: -app\n");
  }

  @Test
  void helpExitsZeroWithoutRunningThePhase() {
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    assertThat(PhaseCommandRunner.execute(PhaseCommandRunner.commandLine("builder", FLAGS, Map.of(), out,
        dev.cnbfarm.lifecycle.failure.FailureCode.BUILD_ERROR, (in, reporter) -> 9), out, new String[] {"-help"}))
        .isZero();
    assertThat(printed()).startsWith("Usage: cnbfarm lifecycle builder [flags]");
  }

  @Test
  void everyFlagOfEveryPhaseHasHelpFromTheOneTable() {
    for (Set<String> flags : java.util.List.of(DetectorCommand.FLAGS, BuilderCommand.FLAGS, ExtenderCommand.FLAGS,
        ExporterCommand.FLAGS)) {
      assertThat(flags).allSatisfy(f -> assertThat(PhaseFlags.describe(f)).isNotBlank());
    }
    assertThat(PhaseFlags.describe("app")).isEqualTo("the application directory (CNB_APP_DIR; default /workspace)");
    assertThat(PhaseFlags.describe("group")).isEqualTo("group.toml (CNB_GROUP_PATH; default <layers>/group.toml)");
    assertThat(PhaseFlags.describe("kind")).isEqualTo("build or run (CNB_EXTEND_KIND; default build; Platform API 0.12+)");
    assertThat(PhaseFlags.describe("uid")).startsWith("the CNB user id (CNB_USER_ID; default: extender: ");
  }
}
