package dev.cnbfarm.cli.lifecycle;

import dev.cnbfarm.engine.extend.ExtendInputs;
import dev.cnbfarm.engine.extend.ExtendSettings;
import dev.cnbfarm.engine.extend.ExtendWorkspace;
import dev.cnbfarm.engine.extend.ExtenderPhase;
import dev.cnbfarm.image.rootfs.LocalCache;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

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

  private final Map<String, String> env;
  private final PrintStream out;

  public ExtenderCommand(Map<String, String> env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  public int run(String[] args) {
    return PhaseCommandRunner.execute(commandLine(), out, args);
  }

  /** The command, for the {@code cnbfarm} tree or for {@link #run(String[])}. */
  CommandLine commandLine() {
    return PhaseCommandRunner.commandLine("extender", FLAGS, env, out, FailureCode.EXTEND_ERROR, (in, reporter) -> {
      Duration stepLimit = PhaseCommandRunner.duration(env, "CNBFARM_STEP_TIMEOUT", "PT30M");
      ExtendInputs inputs = PhaseRecords.extend(in);
      ExtendSettings settings = new ExtendSettings(stepLimit, PhaseRecords.layerCacheTtl(in),
          PhaseRecords.sharedLayerCache(env));
      try (LocalCache cache = LocalCache.open(env)) {
        ExtenderPhase.Outcome o = new ExtenderPhase(RoutingImageStore.withDefaults(), new ExtendWorkspace(cache),
            PhaseRecords.files(in), reporter, Clock.systemUTC(), settings).run(inputs);
        o.layout().ifPresent(l -> out.println("extended run image: " + l.manifestDigest()));
      }
      return 0;
    });
  }
}
