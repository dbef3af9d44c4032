package dev.cnbfarm.cli.console;

import dev.cnbfarm.lifecycle.failure.CancelledException;
import dev.cnbfarm.lifecycle.failure.CnbfarmException;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The one mapper from a command's failure to its {@code ERROR:} line and exit code, for every
 * command: a usage error is one line plus a "Try ... --help" hint (exit 3); a
 * {@link LifecycleException} exits with its code's exit code and message; an image store or image
 * reference error prints its message; anything else prints "{@code <command> failed: <message>}".
 * Never a stack trace or a Java class name. The per-command parts come from {@link FailurePolicy}.
 */
public final class Failures implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
  /** The usage help width of every command. */
  static final int WIDTH = 100;

  private final PrintStream out;

  private Failures(PrintStream out) {
    this.out = out;
  }

  /**
   * Installs the mapper on a command tree (call it after the subcommands are added), prints help to
   * {@code out}, and turns off picocli's {@code @file} expansion: an argument is never a file name.
   */
  public static CommandLine install(CommandLine commandLine, PrintStream out) {
    Failures failures = new Failures(out);
    PrintWriter writer = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    return commandLine.setOut(writer).setErr(writer).setExpandAtFiles(false).setUsageHelpWidth(WIDTH)
        .setParameterExceptionHandler(failures).setExecutionExceptionHandler(failures);
  }

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    FailurePolicy policy = policy(command);
    policy.beforeError();
    policy.errors().println("ERROR: " + usageMessage(e, policy));
    policy.errors().println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for usage.");
    return policy.usageExit();
  }

  /** An interrupted command (SIGINT, a cancelled job): 128 + SIGINT, as shells report it. */
  public static final int CANCELLED_EXIT = 130;

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
    FailurePolicy policy = policy(command);
    policy.beforeError();
    int exit = policy.failureExit();
    String message;
    if (policy.context().isPresent()) {
      message = policy.context().get() + ": " + describe(e);
    } else if (e instanceof LifecycleException le) {
      message = le.getMessage();
      exit = le.code().exitCode();
    } else if (e instanceof CancelledException) {
      message = policy.name() + " cancelled: " + describe(e);
      exit = CANCELLED_EXIT;
    } else if (e instanceof CnbfarmException) {
      // a failure of ours with its own category (store, reference, layer, sandbox): its message says it all
      message = describe(e);
    } else {
      message = policy.name() + " failed: " + describe(e);
    }
    policy.errors().println("ERROR: " + message);
    return exit;
  }

  /** The one-line message of a usage error, without {@code ERROR:}. */
  public static String usageMessage(ParameterException e, FailurePolicy policy) {
    CommandLine command = e.getCommandLine();
    // an unknown flag is named even when picocli reports a missing argument first
    for (String arg : command.getUnmatchedArguments()) {
      if (arg.startsWith("-") && arg.length() > 1) {
        return policy.unknownFlag(arg);
      }
    }
    if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String arg = u.getUnmatched().get(0);
      if (arg.startsWith("-") && arg.length() > 1) {
        return policy.unknownFlag(arg);
      }
      if (!command.getSubcommands().isEmpty()) {
        return unknownCommand(command, arg);
      }
      return usage(command);
    }
    if (e instanceof MissingParameterException m && !m.getMissing().isEmpty()) {
      ArgSpec missing = m.getMissing().get(0);
      return missing instanceof OptionSpec option ? policy.needsValue(option.longestName()) : usage(command);
    }
    return e.getMessage();
  }

  /** {@code usage: <synopsis>}, the command's first synopsis line. */
  public static String usage(CommandLine command) {
    String[] synopsis = command.getCommandSpec().usageMessage().customSynopsis();
    return "usage: " + (synopsis.length > 0 ? synopsis[0] : command.getCommandSpec().qualifiedName() + " [flags]");
  }

  private static String unknownCommand(CommandLine group, String arg) {
    if (group.getParent() == null) {
      return "unknown command '" + arg + "'";
    }
    List<String> available = group.getSubcommands().keySet().stream().toList();
    return "unknown " + group.getCommandName() + " command '" + arg + "' (available: " + String.join(", ", available)
        + ")";
  }

  /** The message, with its cause's when that adds something, on one line; never a class name. */
  public static String describe(Throwable e) {
    Throwable cause = e.getCause();
    if (cause != null && cause.toString().equals(e.getMessage())) {
      return describe(cause); // new RuntimeException(cause) has the cause's class name as its message
    }
    String message = e instanceof NoSuchFileException f ? f.getFile() + ": no such file or directory"
        : e.getMessage() == null ? "internal error" : e.getMessage();
    if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
      message += ": " + cause.getMessage();
    }
    return message.replace('\n', ' ');
  }

  private FailurePolicy policy(CommandLine command) {
    if (command.getCommand() instanceof FailurePolicy p) {
      return p;
    }
    String name = command.getCommandSpec().qualifiedName().replaceFirst("^cnbfarm ", "");
    return new FailurePolicy() {
      @Override
      public PrintStream errors() {
        return out;
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public int failureExit() {
        return 1;
      }
    };
  }
}
