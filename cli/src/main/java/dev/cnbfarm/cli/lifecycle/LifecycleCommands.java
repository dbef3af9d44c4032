package dev.cnbfarm.cli.lifecycle;

import dev.cnbfarm.cli.CommandGroups;
import dev.cnbfarm.cli.console.FailurePolicy;
import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine;

/**
 * {@code cnbfarm lifecycle analyzer|detector|restorer|builder|extender|exporter} in the command tree: each phase's
 * help and synopsis; the commands themselves are the phase commands' own command lines, so the
 * tree parses a phase's flags once.
 */
public final class LifecycleCommands {
  /** A phase command's help: what it does, its synopsis, and the label of its arguments (empty: none). */
  record Doc(String description, String synopsis, String positional) {}

  private static final Map<String, Doc> DOCS = Map.of(
      "analyzer", new Doc("Reads the previous app image's layer metadata and launch SBOMs and pins the run image "
          + "with its target, into analyzed.toml, as the CNB lifecycle's analyzer. Exit 32 for analyze errors.",
          "cnbfarm lifecycle analyzer [flags] <image>", "<image>"),
      "detector", new Doc("Detect + generate, as the CNB lifecycle's detector: writes group.toml, plan.toml, "
          + "analyzed.toml and the extensions' Dockerfiles. Exit 20/21 when no group passes, 91/92 for generate.",
          "cnbfarm lifecycle detector [flags]", ""),
      "restorer", new Doc("Restores layer metadata from the previous image (analyzed.toml) and the build cache, "
          + "and cache=true layer contents from the cache (-cache-dir or -cache-image), as the CNB lifecycle's "
          + "restorer; pins -build-image in analyzed.toml. Exit 42 for restore errors.",
          "cnbfarm lifecycle restorer [flags]", ""),
      "builder", new Doc("Runs each buildpack's /bin/build and writes <layers>/config/metadata.toml, as the CNB "
          + "lifecycle's builder. Exit 51 when a /bin/build fails, 52 for invalid buildpack output.",
          "cnbfarm lifecycle builder [flags]", ""),
      "extender", new Doc("Applies the extensions' Dockerfiles (-kind build|run) without a daemon or kaniko; the "
          + "build kind then runs the build as -uid/-gid. Exit 102 for extend errors.",
          "cnbfarm lifecycle extender [flags]", ""),
      "exporter", new Doc("Writes the app image, metadata-only: run image layers mounted, never pulled; extension, "
          + "launch, app, launcher and config layers pushed unless present; more images are more tags; writes "
          + "report.toml, then the build cache (-cache-dir or -cache-image). Exit 62 for export errors.",
          "cnbfarm lifecycle exporter [flags] <image> [<image>...]", "<image>"));

  private LifecycleCommands() {}

  static Doc doc(String phase) {
    Doc doc = DOCS.get(phase);
    if (doc == null) {
      throw new IllegalStateException("lifecycle " + phase + " has no help in LifecycleCommands");
    }
    return doc;
  }

  /** The {@code lifecycle} group with its five phases, each run by its command with {@code env} and {@code out}. */
  public static CommandLine group(Map<String, String> env, PrintStream out) {
    return CommandGroups.of("lifecycle", "The CNB lifecycle's phases, with the reference lifecycle's single-dash "
        + "flags (-app DIR, -app=DIR, --app DIR), CNB_* env vars and exit codes.",
        new AnalyzerCommand(env, out).commandLine(), new DetectorCommand(env, out).commandLine(),
        new RestorerCommand(env, out).commandLine(), new BuilderCommand(env, out).commandLine(),
        new ExtenderCommand(env, out).commandLine(), new ExporterCommand(env, out).commandLine());
  }

  /** The Go {@code flag} package's wording of the usage errors, as the reference lifecycle prints them. */
  interface GoFlagFailures extends FailurePolicy {
    @Override
    default String unknownFlag(String arg) {
      return "flag provided but not defined: -" + goName(arg);
    }

    @Override
    default String needsValue(String flag) {
      return "flag needs an argument: -" + goName(flag);
    }

    private static String goName(String arg) {
      String name = arg.replaceFirst("^--?", "");
      int eq = name.indexOf('=');
      return eq < 0 ? name : name.substring(0, eq);
    }
  }
}
