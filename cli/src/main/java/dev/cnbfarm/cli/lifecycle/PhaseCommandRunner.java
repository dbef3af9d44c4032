package dev.cnbfarm.cli.lifecycle;

import dev.cnbfarm.cli.console.ConsoleReporter;
import dev.cnbfarm.cli.console.Failures;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.api.SupportedApis;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.phase.PhaseInputs;
import java.io.PrintStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * What every {@code cnbfarm lifecycle <phase>} command shares: Go-style flags parsed by picocli
 * ({@link PhaseFlags}), {@code --help}, {@code -log-level} (or {@code CNB_LOG_LEVEL}), the Platform
 * API check (exit 11), {@code ERROR:} lines and exit codes from {@link FailureCode} through the one
 * mapper ({@link Failures}), and the held debug lines printed when the phase fails.
 */
public final class PhaseCommandRunner {
  /** The phase itself, given its resolved inputs. */
  interface Phase {
    int run(PhaseInputs inputs, ConsoleReporter reporter);
  }

  /** A phase that takes positional arguments (the exporter's image names). */
  interface PositionalPhase {
    int run(PhaseInputs inputs, List<String> positional, ConsoleReporter reporter);
  }

  private PhaseCommandRunner() {}

  /**
   * The command line of {@code cnbfarm lifecycle <name>}: its flags, and {@code phase} run with them.
   *
   * @param unexpected the code for an unexpected failure (a bug or an I/O error) of this phase
   */
  static CommandLine commandLine(String name, Set<String> flags, Map<String, String> env, PrintStream out,
      FailureCode unexpected, Phase phase) {
    return commandLine(name, flags, env, out, unexpected, false, (in, positional, reporter) -> phase.run(in, reporter));
  }

  /** As {@link #commandLine(String, Set, Map, PrintStream, FailureCode, Phase)}, passing positional arguments on. */
  static CommandLine commandLineWithArgs(String name, Set<String> flags, Map<String, String> env, PrintStream out,
      FailureCode unexpected, PositionalPhase phase) {
    return commandLine(name, flags, env, out, unexpected, true, phase);
  }

  private static CommandLine commandLine(String name, Set<String> flags, Map<String, String> env, PrintStream out,
      FailureCode unexpected, boolean positionalAllowed, PositionalPhase phase) {
    PhaseRun run = new PhaseRun(name, env, out, unexpected, positionalAllowed, phase);
    run.commandLine = new CommandLine(PhaseFlags.spec(name, flags, run));
    return run.commandLine;
  }

  /** Runs {@code commandLine} on its own, as {@code cnbfarm lifecycle <name>}; returns its exit code. */
  static int execute(CommandLine commandLine, PrintStream out, String[] args) {
    commandLine.setCommandName("cnbfarm lifecycle " + commandLine.getCommandName());
    return Failures.install(commandLine, out).execute(args);
  }

  /** One run of a phase: its parsed flags to {@link PhaseInputs}; its failures through {@link Failures}. */
  private static final class PhaseRun implements Callable<Integer>, LifecycleCommands.GoFlagFailures {
    private final String name;
    private final Map<String, String> env;
    private final PrintStream out;
    private final FailureCode unexpected;
    private final boolean positionalAllowed;
    private final PositionalPhase phase;
    private CommandLine commandLine;
    private ConsoleReporter reporter;

    PhaseRun(String name, Map<String, String> env, PrintStream out, FailureCode unexpected, boolean positionalAllowed,
        PositionalPhase phase) {
      this.name = name;
      this.env = env;
      this.out = out;
      this.unexpected = unexpected;
      this.positionalAllowed = positionalAllowed;
      this.phase = phase;
      this.reporter = new ConsoleReporter(out, "info");
    }

    @Override
    public Integer call() {
      ParseResult parsed = commandLine.getParseResult();
      Map<String, String> flags = PhaseFlags.values(parsed);
      List<String> positional = PhaseFlags.positional(parsed);
      if (!positionalAllowed && !positional.isEmpty()) {
        throw new ParameterException(commandLine, name + " takes no arguments, got " + positional);
      }
      reporter = new ConsoleReporter(out, flags.getOrDefault("log-level", env.getOrDefault("CNB_LOG_LEVEL", "info")));
      ApiVersion api = SupportedApis.platform(env.getOrDefault("CNB_PLATFORM_API", SupportedApis.DEFAULT_PLATFORM.toString()));
      return phase.run(new PhaseInputs(flags, env, api), positional, reporter);
    }

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
      return unexpected.exitCode();
    }

    @Override
    public void beforeError() {
      reporter.flushHeld();
    }
  }

  /** A {@code CNBFARM_*} duration setting (ISO-8601, e.g. {@code PT30M}); a bad value exits 3. */
  public static Duration duration(Map<String, String> env, String key, String fallback) {
    try {
      return Duration.parse(env.getOrDefault(key, fallback));
    } catch (DateTimeParseException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, key + "='" + env.get(key) + "' is not an ISO-8601 duration like PT30M");
    }
  }

  /** A positive {@code CNBFARM_*} integer setting; a bad value exits 3. */
  static int positive(Map<String, String> env, String key, int fallback) {
    String text = env.getOrDefault(key, Integer.toString(fallback));
    try {
      int v = Integer.parseInt(text);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new LifecycleException(FailureCode.INVALID_ARGS, key + "='" + text + "' is not a positive integer");
  }
}
