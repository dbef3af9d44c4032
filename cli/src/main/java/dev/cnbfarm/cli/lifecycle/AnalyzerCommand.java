package dev.cnbfarm.cli.lifecycle;

import dev.cnbfarm.engine.analyze.AnalyzerPhase;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.RegistryImageStore;
import dev.cnbfarm.image.store.RegistrySettings;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * {@code cnbfarm lifecycle analyzer [flags] <image>}: the reference lifecycle's analyzer. Reads the
 * previous app image's layer metadata and launch SBOMs and pins the run image with its target,
 * into analyzed.toml; registries or {@code oci:} layouts ({@code -layout}), no daemon. Failures
 * exit 32.
 */
public final class AnalyzerCommand {
  static final Set<String> FLAGS = Set.of("analyzed", "cache-image", "daemon", "gid", "insecure-registry",
      "launch-cache", "layers", "layout", "layout-dir", "log-level", "previous-image", "run", "run-image",
      "skip-layers", "tag", "uid");

  private final Map<String, String> env;
  private final PrintStream out;
  private final Function<Set<String>, ImageStore> store;

  public AnalyzerCommand(Map<String, String> env, PrintStream out) {
    this(env, out, insecure -> new RoutingImageStore(new OciLayoutImageStore(),
        RegistryImageStore.of(RegistrySettings.fromEnvironment(env).withInsecureRegistries(insecure))));
  }

  /** @param store the image store for the {@code -insecure-registry} hosts given */
  AnalyzerCommand(Map<String, String> env, PrintStream out, Function<Set<String>, ImageStore> store) {
    this.env = env;
    this.out = out;
    this.store = store;
  }

  public int run(String[] args) {
    return PhaseCommandRunner.execute(commandLine(), out, args);
  }

  /** The command, for the {@code cnbfarm} tree or for {@link #run(String[])}. */
  CommandLine commandLine() {
    return PhaseCommandRunner.commandLineWithArgs("analyzer", FLAGS, env, out, FailureCode.ANALYZE_ERROR,
        (in, images, reporter) -> {
          new AnalyzerPhase(store.apply(PhaseRecords.insecureRegistries(in)), PhaseRecords.files(in), reporter)
              .run(PhaseRecords.analyze(in, images));
          return 0;
        });
  }
}
