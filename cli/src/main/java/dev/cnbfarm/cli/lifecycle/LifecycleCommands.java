package dev.cnbfarm.cli.lifecycle;

import dev.cnbfarm.cli.CommandGroups;
import dev.cnbfarm.cli.console.FailurePolicy;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * {@code cnbfarm lifecycle detector|builder|extender|exporter} in the command tree: each phase's
 * help, synopsis and flags (from its command's flag set), run through its command as a
 * {@code cnbfarm lifecycle <phase>} command line of its own.
 */
public final class LifecycleCommands {
  /** A phase command's help: what it does, its synopsis, and the label of its arguments (empty: none). */
  record Doc(String description, String synopsis, String positional) {}

  private static final Map<String, Doc> DOCS = Map.of(
      "detector", new Doc("Detect + generate, as the CNB lifecycle's detector: writes group.toml, plan.toml, "
          + "analyzed.toml and the extensions' Dockerfiles. Exit 20/21 when no group passes, 91/92 for generate.",
          "cnbfarm lifecycle detector [flags]", ""),
      "builder", new Doc("Runs each buildpack's /bin/build and writes <layers>/config/metadata.toml, as the CNB "
          + "lifecycle's builder. Exit 51 when a /bin/build fails, 52 for invalid buildpack output.",
          "cnbfarm lifecycle builder [flags]", ""),
      "extender", new Doc("Applies the extensions' Dockerfiles (-kind build|run) without a daemon or kaniko; the "
          + "build kind then runs the build as -uid/-gid. Exit 102 for extend errors.",
          "cnbfarm lifecycle extender [flags]", ""),
      "exporter", new Doc("Writes the app image, metadata-only: run image layers mounted, never pulled; extension, "
          + "launch, app, launcher and config layers pushed unless present; more images are more tags; writes "
          + "report.toml. Exit 62 for export errors.",
          "cnbfarm lifecycle exporter [flags] <image> [<image>...]", "<image>"));

  private LifecycleCommands() {}

  static Doc doc(String phase) {
    Doc doc = DOCS.get(phase);
    if (doc == null) {
      throw new IllegalStateException("lifecycle " + phase + " has no help in LifecycleCommands");
    }
    return doc;
  }

  /** The {@code lifecycle} group with its four phases, each run by its command with {@code env} and {@code out}. */
  public static CommandLine group(Map<String, String> env, PrintStream out) {
    return CommandGroups.of("lifecycle", "The CNB lifecycle's phases, with the reference lifecycle's single-dash "
        + "flags (-app DIR, -app=DIR, --app DIR), CNB_* env vars and exit codes.",
        phase("detector", DetectorCommand.FLAGS, out, args -> new DetectorCommand(env, out).run(args)),
        phase("builder", BuilderCommand.FLAGS, out, args -> new BuilderCommand(env, out).run(args)),
        phase("extender", ExtenderCommand.FLAGS, out, args -> new ExtenderCommand(env, out).run(args)),
        phase("exporter", ExporterCommand.FLAGS, out, args -> new ExporterCommand(env, out).run(args)));
  }

  private static CommandLine phase(String name, Set<String> flags, PrintStream out, Function<String[], Integer> run) {
    Dispatch dispatch = new Dispatch(name, out, run);
    dispatch.commandLine = new CommandLine(PhaseFlags.spec(name, flags, dispatch));
    return dispatch.commandLine;
  }

  /**
   * Hands the parsed command line to the phase's command, which parses it again with the same spec
   * and owns the phase's failures; parse errors here are worded as the command's own.
   */
  private static final class Dispatch implements Callable<Integer>, GoFlagFailures {
    private final String name;
    private final PrintStream out;
    private final Function<String[], Integer> run;
    private CommandLine commandLine;

    Dispatch(String name, PrintStream out, Function<String[], Integer> run) {
      this.name = name;
      this.out = out;
      this.run = run;
    }

    @Override
    public Integer call() {
      return run.apply(PhaseFlags.canonical(commandLine.getParseResult()));
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
      return 1;
    }
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
