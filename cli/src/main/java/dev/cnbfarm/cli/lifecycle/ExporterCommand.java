package dev.cnbfarm.cli.lifecycle;

import dev.cnbfarm.engine.export.ExportInputs;
import dev.cnbfarm.engine.export.ExporterPhase;
import dev.cnbfarm.engine.export.SbomOutput;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;


/**
 * {@code cnbfarm lifecycle exporter [flags] <image> [<image>...]}: the reference lifecycle's
 * exporter, metadata-only (design.md §4). The first image is the app image; the others are extra
 * tags of the same manifest. Registries or {@code oci:} layouts; no daemon. Export failures exit 62.
 */
public final class ExporterCommand {
  static final Set<String> FLAGS = Set.of("app", "layers", "group", "analyzed", "run", "extended", "launcher", "report",
      "uid", "gid", "log-level", "project-metadata", "sbom-output-dir", "cache-dir", "cache-image");

  private final Map<String, String> env;
  private final PrintStream out;
  private final Supplier<ImageStore> store;

  public ExporterCommand(Map<String, String> env, PrintStream out) {
    this(env, out, RoutingImageStore::withDefaults);
  }

  ExporterCommand(Map<String, String> env, PrintStream out, Supplier<ImageStore> store) {
    this.env = env;
    this.out = out;
    this.store = store;
  }

  public int run(String[] args) {
    return PhaseCommandRunner.execute(commandLine(), out, args);
  }

  /** The command, for the {@code cnbfarm} tree or for {@link #run(String[])}. */
  CommandLine commandLine() {
    return PhaseCommandRunner.commandLineWithArgs("exporter", FLAGS, env, out, FailureCode.EXPORT_ERROR,
        (in, images, reporter) -> {
          ImageStore imageStore = store.get();
          ExportInputs inputs = PhaseRecords.export(in, images);
          new ExporterPhase(imageStore, PhaseRecords.files(in), reporter)
              .run(inputs, PhaseRecords.cache(in, imageStore, FailureCode.EXPORT_ERROR));
          PhaseRecords.sbomOutputDir(in).ifPresent(dir -> reporter.debug("copied "
              + SbomOutput.copy(inputs.layers(), dir) + " SBOM files to " + dir));
          return 0;
        });
  }
}
