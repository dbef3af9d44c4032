package dev.cnbfarm.cli;

import dev.cnbfarm.cli.console.HelpFlag;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code cnbfarm help [<command> [<subcommand>]]}: the usage of cnbfarm or of any command in its tree. */
@Command(name = "help", customSynopsis = "cnbfarm help [<command> [<subcommand>]]",
    description = "Print the usage of cnbfarm or of one of its commands.")
final class HelpCommand implements Callable<Integer> {
  private final PrintStream out;
  @Spec
  private CommandLine.Model.CommandSpec spec;
  @Mixin
  private HelpFlag help;
  @Parameters(arity = "0..*", paramLabel = "<command>", description = "the command, then its subcommand")
  private List<String> path = new ArrayList<>();

  HelpCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    CommandLine command = spec.root().commandLine();
    for (String name : path) {
      CommandLine sub = command.getSubcommands().get(name);
      if (sub == null) {
        throw new ParameterException(spec.commandLine(), "unknown command '" + String.join(" ", path) + "'");
      }
      command = sub;
    }
    command.usage(out);
    return 0;
  }
}
