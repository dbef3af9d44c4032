package dev.cnbfarm.cli.lifecycle;

import dev.cnbfarm.cli.console.ConsoleReporter;
import dev.cnbfarm.cli.console.GoFlags;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.api.SupportedApis;
import dev.cnbfarm.lifecycle.build.BuildResult;
import dev.cnbfarm.lifecycle.exec.ProcessBinaryRunner;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.phase.BuilderPhase;
import dev.cnbfarm.lifecycle.phase.PhaseInputs;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * {@code cnbfarm lifecycle builder}: the reference lifecycle's builder, with its flags, env vars,
 * {@code <layers>/config/metadata.toml} and exit codes (51 when a buildpack's build fails, 52 for
 * other build errors); {@code /bin/build} runs directly on this machine, as the reference builder
 * runs it inside its container.
 */
public final class BuilderCommand {
  static final Set<String> FLAGS = Set.of("app", "buildpacks", "group", "plan", "layers", "platform", "analyzed",
      "build-config", "log-level");
  static final Set<String> BOOL_FLAGS = Set.of("no-color");

  private final Map<String, String> env;
  private final PrintStream out;

  public BuilderCommand(Map<String, String> env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  public int run(String[] args) {
    ConsoleReporter reporter = new ConsoleReporter(out, "info");
    try {
      GoFlags flags = GoFlags.parse(args, FLAGS, BOOL_FLAGS);
      if (!flags.positional().isEmpty()) {
        throw new LifecycleException(FailureCode.INVALID_ARGS, "builder takes no arguments, got " + flags.positional());
      }
      reporter = new ConsoleReporter(out, flags.values().getOrDefault("log-level", env.getOrDefault("CNB_LOG_LEVEL", "info")));
      ApiVersion api = SupportedApis.platform(env.getOrDefault("CNB_PLATFORM_API", SupportedApis.DEFAULT_PLATFORM.toString()));
      Duration timeout = Duration.parse(env.getOrDefault("PIPELINE_BUILD_TIMEOUT", "PT30M"));
      BuildResult result = new BuilderPhase(new PhaseInputs(flags.values(), env, api), new ProcessBinaryRunner(),
          reporter, timeout).run();
      reporter.info("Built " + result.outputs().size() + " buildpack(s); processes: " + result.metadata().processes()
          .stream().map(p -> p.type() + (p.isDefault() ? " (default)" : "")).toList());
      return 0;
    } catch (LifecycleException e) {
      reporter.error(e.getMessage());
      return e.code().exitCode();
    } catch (java.time.format.DateTimeParseException e) {
      reporter.error("invalid PIPELINE_BUILD_TIMEOUT: " + e.getMessage());
      return FailureCode.INVALID_ARGS.exitCode();
    } catch (RuntimeException e) {
      reporter.error("build failed: " + e);
      return FailureCode.BUILD_ERROR.exitCode();
    }
  }
}
