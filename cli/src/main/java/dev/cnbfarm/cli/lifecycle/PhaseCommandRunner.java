package dev.cnbfarm.cli.lifecycle;

import dev.cnbfarm.cli.console.ConsoleReporter;
import dev.cnbfarm.cli.console.GoFlags;
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

/**
 * What every {@code cnbfarm lifecycle <phase>} command shares: Go-style flags, {@code -log-level}
 * (or {@code CNB_LOG_LEVEL}), the Platform API check (exit 11), {@code ERROR:} lines, exit codes
 * from {@link FailureCode}, and the held debug lines printed when the phase fails.
 */
final class PhaseCommandRunner {
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
   * @param unexpected the code for an unexpected failure (a bug or an I/O error) of this phase
   */
  static int run(String name, String[] args, Set<String> flags, Map<String, String> env, PrintStream out,
      FailureCode unexpected, Phase phase) {
    return run(name, args, flags, env, out, unexpected, false, (in, positional, reporter) -> phase.run(in, reporter));
  }

  /** As {@link #run(String, String[], Set, Map, PrintStream, FailureCode, Phase)}, passing positional arguments on. */
  static int runWithArgs(String name, String[] args, Set<String> flags, Map<String, String> env, PrintStream out,
      FailureCode unexpected, PositionalPhase phase) {
    return run(name, args, flags, env, out, unexpected, true, phase);
  }

  private static int run(String name, String[] args, Set<String> flags, Map<String, String> env, PrintStream out,
      FailureCode unexpected, boolean positionalAllowed, PositionalPhase phase) {
    ConsoleReporter reporter = new ConsoleReporter(out, "info");
    try {
      GoFlags f = GoFlags.parse(args, flags, Set.of("no-color"));
      if (!positionalAllowed && !f.positional().isEmpty()) {
        throw new LifecycleException(FailureCode.INVALID_ARGS, name + " takes no arguments, got " + f.positional());
      }
      reporter = new ConsoleReporter(out, f.values().getOrDefault("log-level", env.getOrDefault("CNB_LOG_LEVEL", "info")));
      ApiVersion api = SupportedApis.platform(env.getOrDefault("CNB_PLATFORM_API", SupportedApis.DEFAULT_PLATFORM.toString()));
      return phase.run(new PhaseInputs(f.values(), env, api), f.positional(), reporter);
    } catch (LifecycleException e) {
      reporter.flushHeld();
      reporter.error(e.getMessage());
      return e.code().exitCode();
    } catch (RuntimeException e) {
      reporter.flushHeld();
      reporter.error(name + " failed: " + e);
      return unexpected.exitCode();
    }
  }

  /** A {@code CNBFARM_*} duration setting (ISO-8601, e.g. {@code PT30M}); a bad value exits 3. */
  static Duration duration(Map<String, String> env, String key, String fallback) {
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
