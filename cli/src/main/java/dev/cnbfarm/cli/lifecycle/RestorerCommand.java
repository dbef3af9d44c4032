package dev.cnbfarm.cli.lifecycle;

import dev.cnbfarm.engine.restore.RestoreInputs;
import dev.cnbfarm.engine.restore.RestorerPhase;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.RegistryImageStore;
import dev.cnbfarm.image.store.RegistrySettings;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * {@code cnbfarm lifecycle restorer}: the reference lifecycle's restorer, with its flags, env vars
 * and exit codes (42 for restore errors): layer metadata from the previous image (analyzed.toml's
 * {@code [metadata]}) and the build cache, layer contents from the cache ({@code -cache-dir} or
 * {@code -cache-image}), and the build and run image pinned in analyzed.toml for the extender.
 */
public final class RestorerCommand {
  static final Set<String> FLAGS = Set.of("analyzed", "build-image", "cache-dir", "cache-image", "generated", "gid",
      "group", "insecure-registry", "layers", "log-level", "run", "skip-layers", "uid");

  private final Map<String, String> env;
  private final PrintStream out;
  private final Function<Set<String>, ImageStore> store;

  public RestorerCommand(Map<String, String> env, PrintStream out) {
    this(env, out, insecure -> {
      RegistrySettings s = RegistrySettings.fromEnvironment(System.getenv());
      Set<String> hosts = new HashSet<>(s.insecureRegistries());
      hosts.addAll(insecure);
      return new RoutingImageStore(new OciLayoutImageStore(), RegistryImageStore.of(new RegistrySettings(hosts,
          s.maxAttempts(), s.initialBackoff(), s.dockerConfig(), s.connectTimeout(), s.readTimeout(),
          s.operationTimeout())));
    });
  }

  /** With the image store made from the {@code -insecure-registry} hosts. */
  RestorerCommand(Map<String, String> env, PrintStream out, Function<Set<String>, ImageStore> store) {
    this.env = env;
    this.out = out;
    this.store = store;
  }

  public int run(String[] args) {
    return PhaseCommandRunner.execute(commandLine(), out, args);
  }

  /** The command, for the {@code cnbfarm} tree or for {@link #run(String[])}. */
  CommandLine commandLine() {
    return PhaseCommandRunner.commandLine("restorer", FLAGS, env, out, FailureCode.RESTORE_ERROR, (in, reporter) -> {
      RestoreInputs inputs = PhaseRecords.restore(in);
      ImageStore images = store.apply(PhaseRecords.insecureRegistries(in));
      new RestorerPhase(images, PhaseRecords.files(in), reporter)
          .run(inputs, PhaseRecords.cache(in, images, FailureCode.RESTORE_ERROR));
      return 0;
    });
  }
}
