package dev.cnbfarm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;

/**
 * Walks the whole command tree: every command and subcommand has a description and help, and
 * rejects an unknown flag with one {@code ERROR:} line and the hint. A new command cannot be added
 * without them.
 */
class CommandTreeTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  /** Every command's words after {@code cnbfarm} ({@code []} for cnbfarm itself), with its CommandLine. */
  static Map<List<String>, CommandLine> tree() {
    Map<List<String>, CommandLine> all = new LinkedHashMap<>();
    walk(List.of(), CommandTree.of(Map.of(), System.out, System.err), all);
    return all;
  }

  private static void walk(List<String> path, CommandLine command, Map<List<String>, CommandLine> all) {
    all.put(path, command);
    command.getSubcommands().forEach((name, sub) -> {
      List<String> next = new ArrayList<>(path);
      next.add(name);
      walk(List.copyOf(next), sub, all);
    });
  }

  static Stream<List<String>> commands() {
    return tree().keySet().stream();
  }

  private int run(List<String> path, String... more) {
    List<String> args = new ArrayList<>(path);
    args.addAll(List.of(more));
    PrintStream both = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    return Main.run(args.toArray(String[]::new), Map.of(), both, both);
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theTreeHoldsEveryCommand() {
    assertThat(tree().keySet()).contains(List.of("lifecycle", "analyzer"), List.of("lifecycle", "detector"),
        List.of("lifecycle", "restorer"), List.of("lifecycle", "builder"),
        List.of("lifecycle", "extender"), List.of("lifecycle", "exporter"), List.of("builder", "create"),
        List.of("image", "from-dir"), List.of("run"), List.of("rebase"), List.of("inspect"), List.of("version"),
        List.of("help"), List.of("completion"), List.of("dlq", "list"), List.of("dlq", "redrive"));
  }

  @ParameterizedTest
  @MethodSource("commands")
  void everyCommandHasADescriptionAndEveryFlagAndArgumentToo(List<String> path) {
    CommandLine command = tree().get(path);
    assertThat(String.join(" ", command.getCommandSpec().usageMessage().description())).as("%s", path).isNotBlank();
    for (ArgSpec arg : command.getCommandSpec().args()) {
      if (!arg.hidden()) {
        assertThat(String.join(" ", arg.description())).as("%s %s", path, arg.paramLabel()).isNotBlank();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("commands")
  void dashDashHelpPrintsTheUsageAndExitsZero(List<String> path) {
    assertThat(run(path, "--help")).as(printed()).isZero();
    assertThat(printed()).startsWith("Usage: cnbfarm" + (path.isEmpty() ? "" : " " + String.join(" ", path)));
  }

  @ParameterizedTest
  @MethodSource("commands")
  void dashHPrintsTheSameUsage(List<String> path) {
    run(path, "--help");
    String help = printed();
    bytes.reset();
    assertThat(run(path, "-h")).isZero();
    assertThat(printed()).isEqualTo(help);
  }

  @ParameterizedTest
  @MethodSource("commands")
  void theHelpCommandPrintsTheSameUsage(List<String> path) {
    run(path, "--help");
    String help = printed();
    bytes.reset();
    assertThat(run(List.of("help"), path.toArray(String[]::new))).isZero();
    assertThat(printed()).isEqualTo(help);
  }

  @ParameterizedTest
  @MethodSource("commands")
  void anUnknownFlagIsOneErrorLineAndTheHint(List<String> path) {
    int exit = run(path, "--no-such-flag");
    assertThat(exit).isEqualTo(path.equals(List.of("run")) ? 125 : 3);
    assertThat(printed().lines().toList()).as(printed()).hasSize(2).satisfiesExactly(
        error -> assertThat(error).startsWith("ERROR: ").contains("-no-such-flag").doesNotContain("Exception"),
        hint -> assertThat(hint).isEqualTo("Try 'cnbfarm" + (path.isEmpty() ? "" : " " + String.join(" ", path))
            + " --help' for usage."));
  }

  @Test
  void anUnknownFlagOfALifecycleCommandIsWordedAsGoDoes() {
    assertThat(run(List.of("lifecycle", "builder"), "-bogus", "x")).isEqualTo(3);
    assertThat(printed()).isEqualTo("ERROR: flag provided but not defined: -bogus\n"
        + "Try 'cnbfarm lifecycle builder --help' for usage.\n");
  }

  @Test
  void anUnknownFlagOfAnotherCommandNamesIt() {
    assertThat(run(List.of("rebase"), "app", "--bogus")).isEqualTo(3);
    assertThat(printed()).isEqualTo("ERROR: unknown flag --bogus\nTry 'cnbfarm rebase --help' for usage.\n");
  }

  @Test
  void aMissingOrExtraArgumentIsOneErrorLineAndTheHint() {
    assertThat(run(List.of("inspect"), "a", "b")).isEqualTo(3);
    assertThat(printed()).isEqualTo("ERROR: usage: cnbfarm inspect <image>\nTry 'cnbfarm inspect --help' for usage.\n");
  }
}
