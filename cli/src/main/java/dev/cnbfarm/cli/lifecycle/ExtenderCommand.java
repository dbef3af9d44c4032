package dev.cnbfarm.cli.lifecycle;

import dev.cnbfarm.cli.console.ConsoleReporter;
import dev.cnbfarm.cli.console.GoFlags;
import dev.cnbfarm.extend.ExtendWorkspace;
import dev.cnbfarm.extend.ExtenderPhase;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.api.SupportedApis;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.phase.PhaseInputs;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * {@code cnbfarm lifecycle extender}: the reference lifecycle's extender, with its flags, env vars and
 * exit codes, applying Dockerfiles without kaniko. The base image comes from a registry or an
 * {@code oci:} layout (the reference reads it from {@code /kaniko}, which the restorer fills); the
 * layer cache lives in cnbfarm's cache dir, with the {@code -kaniko-cache-ttl} TTL (decisions.md #16).
 */
public final class ExtenderCommand {
  static final Set<String> FLAGS = Set.of("kind", "generated", "extended", "analyzed", "group", "plan", "layers", "app",
      "platform", "buildpacks", "extensions", "build-config", "uid", "gid", "log-level", "kaniko-cache-ttl",
      "build-image");
  static final Set<String> BOOL_FLAGS = Set.of("no-color");

  private final Map<String, String> env;
  private final PrintStream out;

  public ExtenderCommand(Map<String, String> env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  public int run(String[] args) {
    ConsoleReporter reporter = new ConsoleReporter(out, "info");
    try {
      GoFlags flags = GoFlags.parse(args, FLAGS, BOOL_FLAGS);
      if (!flags.positional().isEmpty()) {
        throw new LifecycleException(FailureCode.INVALID_ARGS, "extender takes no arguments, got " + flags.positional());
      }
      reporter = new ConsoleReporter(out, flags.values().getOrDefault("log-level", env.getOrDefault("CNB_LOG_LEVEL", "info")));
      ApiVersion api = SupportedApis.platform(env.getOrDefault("CNB_PLATFORM_API", SupportedApis.DEFAULT_PLATFORM.toString()));
      Path cache = Path.of(env.getOrDefault("PIPELINE_CACHE_DIR",
          env.getOrDefault("XDG_CACHE_HOME", env.getOrDefault("HOME", "/root") + "/.cache") + "/cnbfarm"));
      Duration stepLimit = Duration.parse(env.getOrDefault("PIPELINE_STEP_TIMEOUT", "PT30M"));
      ExtenderPhase.Outcome o = new ExtenderPhase(new PhaseInputs(flags.values(), env, api),
          RoutingImageStore.withDefaults(), new ExtendWorkspace(cache), reporter, Clock.systemUTC(), stepLimit).run();
      o.layout().ifPresent(l -> out.println("extended run image: " + l.manifestDigest()));
      return 0;
    } catch (LifecycleException e) {
      reporter.error(e.getMessage());
      return e.code().exitCode();
    } catch (java.time.format.DateTimeParseException e) {
      reporter.error("invalid PIPELINE_STEP_TIMEOUT: " + e.getMessage());
      return FailureCode.INVALID_ARGS.exitCode();
    } catch (RuntimeException e) {
      reporter.error("extend failed: " + e);
      return FailureCode.EXTEND_ERROR.exitCode();
    }
  }
}
