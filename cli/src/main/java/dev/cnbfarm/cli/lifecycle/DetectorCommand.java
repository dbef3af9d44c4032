package dev.cnbfarm.cli.lifecycle;

import dev.cnbfarm.cli.console.ConsoleReporter;
import dev.cnbfarm.cli.console.GoFlags;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.api.SupportedApis;
import dev.cnbfarm.lifecycle.detect.DetectOutcome;
import dev.cnbfarm.lifecycle.exec.ProcessBinaryRunner;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.phase.DetectorPhase;
import dev.cnbfarm.lifecycle.phase.PhaseInputs;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * {@code cnbfarm lifecycle detector}: the reference lifecycle's detector, with its flags, env vars,
 * output files and exit codes; module executables run directly on this machine, as the reference
 * detector runs them inside its container.
 */
public final class DetectorCommand {
  static final Set<String> FLAGS = Set.of("app", "buildpacks", "extensions", "order", "group", "plan", "layers",
      "platform", "generated", "analyzed", "run", "build-config", "log-level");
  static final Set<String> BOOL_FLAGS = Set.of("no-color");

  private final Map<String, String> env;
  private final PrintStream out;

  public DetectorCommand(Map<String, String> env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  public int run(String[] args) {
    ConsoleReporter reporter = new ConsoleReporter(out, "info");
    try {
      GoFlags flags = GoFlags.parse(args, FLAGS, BOOL_FLAGS);
      if (!flags.positional().isEmpty()) {
        throw new LifecycleException(FailureCode.INVALID_ARGS, "detector takes no arguments, got " + flags.positional());
      }
      reporter = new ConsoleReporter(out, flags.values().getOrDefault("log-level", env.getOrDefault("CNB_LOG_LEVEL", "info")));
      ApiVersion api = SupportedApis.platform(env.getOrDefault("CNB_PLATFORM_API", SupportedApis.DEFAULT_PLATFORM.toString()));
      int parallelism = Integer.parseInt(env.getOrDefault("PIPELINE_DETECT_PARALLELISM", "8"));
      Duration timeout = Duration.parse(env.getOrDefault("PIPELINE_DETECT_TIMEOUT", "PT10M"));
      DetectOutcome outcome = new DetectorPhase(new PhaseInputs(flags.values(), env, api), new ProcessBinaryRunner(),
          reporter, parallelism, timeout).run();
      if (outcome instanceof DetectOutcome.NotDetected no) {
        reporter.flushHeld();
        reporter.error("No buildpack groups passed detection.");
        reporter.error("Please check that you are running against the correct path.");
        reporter.error(no.code() == FailureCode.DETECT_ERRORED
            ? "failed to detect: buildpack(s) failed with err" : "failed to detect: no buildpacks participating");
        return no.code().exitCode();
      }
      return 0;
    } catch (LifecycleException e) {
      reporter.flushHeld();
      reporter.error(e.getMessage());
      return e.code().exitCode();
    } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
      reporter.error("invalid PIPELINE_DETECT_* setting: " + e.getMessage());
      return FailureCode.INVALID_ARGS.exitCode();
    }
  }
}
