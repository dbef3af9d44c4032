package dev.cnbfarm.cli;

import dev.cnbfarm.cli.console.Failures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Commands that only hold subcommands ({@code lifecycle}, {@code builder}, {@code image}): given
 * alone they are a usage error; their help lists every command under them with its synopsis.
 */
public final class CommandGroups {
  private static final int COLUMN = 32;

  private CommandGroups() {}

  /** A group named {@code name} holding {@code subcommands}. */
  public static CommandLine of(String name, String description, CommandLine... subcommands) {
    Group group = new Group();
    CommandSpec spec = CommandSpec.wrapWithoutInspection(group).name(name);
    spec.usageMessage().description(description).commandListHeading("%nCommands:%n");
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("print this help and exit").build());
    group.commandLine = new CommandLine(spec);
    for (CommandLine sub : subcommands) {
      group.commandLine.addSubcommand(sub.getCommandName(), sub);
    }
    group.commandLine.getCommandSpec().usageMessage().customSynopsis(synopsis(group.commandLine));
    listCommands(group.commandLine);
    return group.commandLine;
  }

  /** Makes the help of {@code group} list every command under it, one synopsis and description each. */
  static void listCommands(CommandLine group) {
    Map<String, CommandLine.IHelpSectionRenderer> sections = group.getHelpSectionMap();
    sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, help -> {
      StringBuilder text = new StringBuilder();
      for (CommandLine leaf : leaves(group)) {
        String synopsis = Failures.usage(leaf).substring("usage: cnbfarm ".length());
        String description = String.join(" ", leaf.getCommandSpec().usageMessage().description());
        text.append(wrap("  " + synopsis, description));
      }
      return text.toString();
    });
  }

  /** Every command under {@code group} that has no subcommands, in the order they were added. */
  static List<CommandLine> leaves(CommandLine group) {
    List<CommandLine> leaves = new ArrayList<>();
    for (CommandLine sub : group.getSubcommands().values()) {
      if (sub.getCommandSpec().usageMessage().hidden()) {
        continue;
      }
      if (sub.getSubcommands().isEmpty()) {
        leaves.add(sub);
      } else {
        leaves.addAll(leaves(sub));
      }
    }
    return leaves;
  }

  /** {@code head} padded to the description column (or on its own line), then the description wrapped there. */
  private static String wrap(String head, String description) {
    StringBuilder text = new StringBuilder(head);
    int column = head.length();
    if (column >= COLUMN - 1) {
      text.append('\n');
      column = 0;
    }
    text.append(" ".repeat(COLUMN - column));
    column = COLUMN;
    for (String word : description.split(" ")) {
      if (column > COLUMN && column + 1 + word.length() > 100) {
        text.append('\n').append(" ".repeat(COLUMN));
        column = COLUMN;
      } else if (column > COLUMN) {
        text.append(' ');
        column++;
      }
      text.append(word);
      column += word.length();
    }
    return text.append('\n').toString();
  }

  private static String synopsis(CommandLine group) {
    String qualified = "cnbfarm " + group.getCommandName();
    List<String> names = new ArrayList<>(group.getSubcommands().keySet());
    if (names.size() == 1) {
      return Failures.usage(group.getSubcommands().get(names.get(0))).substring("usage: ".length());
    }
    return qualified + " " + String.join("|", names) + " [flags]";
  }

  /** A group given alone: a usage error naming its commands. */
  private static final class Group implements Callable<Integer> {
    private CommandLine commandLine;

    @Override
    public Integer call() {
      throw new ParameterException(commandLine, Failures.usage(commandLine));
    }
  }
}
