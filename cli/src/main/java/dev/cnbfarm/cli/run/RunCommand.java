package dev.cnbfarm.cli.run;

import dev.cnbfarm.cli.console.FailurePolicy;
import dev.cnbfarm.cli.console.Failures;
import dev.cnbfarm.cli.console.HelpFlag;
import dev.cnbfarm.image.dockerfile.ImageLoader;
import dev.cnbfarm.image.dockerfile.ImageRunner;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.rootfs.LocalCache;
import dev.cnbfarm.image.sandbox.Sandbox;
import dev.cnbfarm.image.sandbox.SandboxResult;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cnbfarm run <image> [--process <type>] [-- args...]}: runs an app image without a
 * container runtime. The image (registry or {@code oci:} layout) is loaded into the rootfs cache
 * under {@code CNBFARM_CACHE_DIR} and its Entrypoint runs in the sandbox over its layers, as its
 * user, with its Env and WorkingDir; the args after {@code --} replace its Cmd, and {@code
 * --process} sets {@code CNB_PROCESS_TYPE}. Output is streamed; the exit code is the process's, or
 * 125 when it never started. Needs root, as the sandbox does.
 */
@Command(name = "run", customSynopsis = RunCommand.SYNOPSIS,
    description = "Run an app image in the sandbox over its layers (rootfs cache in CNBFARM_CACHE_DIR): its "
        + "Entrypoint, the args or its Cmd, as its user with its Env and WorkingDir; --process sets CNB_PROCESS_TYPE; "
        + "exit code passed through (125: not started, bad arguments included); needs root.")
public final class RunCommand implements Callable<Integer>, FailurePolicy {
  static final String SYNOPSIS = "cnbfarm run <image> [--process <type>] [-- args...]";
  static final String USAGE = "usage: " + SYNOPSIS;
  /** The exit code when the process never started (usage, not root, no image), as docker run's. */
  static final int ERROR = 125;

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private final Supplier<ImageStore> store;
  private final BooleanSupplier isRoot;
  @Spec
  private CommandLine.Model.CommandSpec spec;
  @Mixin
  private HelpFlag help;
  @Option(names = {"--process", "-process"}, paramLabel = "<type>", description = "sets CNB_PROCESS_TYPE")
  private String process = "";
  @Parameters(index = "0", arity = "0..1", paramLabel = "<image>", description = "a registry reference or "
      + "oci:<dir>[:tag]")
  private String image;
  @Parameters(index = "1..*", paramLabel = "args", description = "after --: the command's args, in place of its Cmd")
  private List<String> command = new ArrayList<>();

  public RunCommand(Map<String, String> env, PrintStream out, PrintStream err, Supplier<ImageStore> store) {
    this(env, out, err, store, RunCommand::runningAsRoot);
  }

  RunCommand(Map<String, String> env, PrintStream out, PrintStream err, Supplier<ImageStore> store,
      BooleanSupplier isRoot) {
    this.env = env;
    this.out = out;
    this.err = err;
    this.store = store;
    this.isRoot = isRoot;
  }

  /** The parsed command line. */
  record Args(String image, String process, List<String> command) {}

  /** Runs {@code cnbfarm run} with these arguments; returns the process's exit code, or 125. */
  public int run(String[] args) {
    return Failures.install(commandLine(), err).execute(args);
  }

  @Override
  public Integer call() {
    Args parsed = args(spec.commandLine());
    if (!isRoot.getAsBoolean()) {
      err.println("ERROR: cnbfarm run needs root: the sandbox uses mount and user namespaces and overlay mounts");
      return ERROR;
    }
    ImageRef ref = ImageRef.parse(parsed.image());
    Duration limit = Duration.parse(env.getOrDefault("CNBFARM_RUN_TIMEOUT", "PT24H"));
    ImageStore images = store.get();
    Image loaded = images.read(ref);
    try (LocalCache cache = LocalCache.open(env)) {
      ImageRunner runner = new ImageRunner(Sandbox.create(), cache.scratch(),
          new ImageLoader(images, cache.rootfs(), cache.downloads()), limit);
      Map<String, String> extra = parsed.process().isEmpty() ? Map.of() : Map.of("CNB_PROCESS_TYPE", parsed.process());
      SandboxResult result = runner.run(loaded, parsed.command(), extra, out::println, err::println);
      if (result.timedOut()) {
        err.println("ERROR: killed after CNBFARM_RUN_TIMEOUT " + limit);
      }
      return result.exitCode();
    }
  }

  @Override
  public PrintStream errors() {
    return err;
  }

  @Override
  public String name() {
    return "run";
  }

  @Override
  public int failureExit() {
    return ERROR;
  }

  @Override
  public int usageExit() {
    return ERROR;
  }

  /** A hostile or broken image (an escaping layer entry, a bad whiteout...) never started: 125, one line. */
  @Override
  public Optional<String> context() {
    return Optional.of("cannot run " + image);
  }

  @Override
  public String needsValue(String flag) {
    return flag + " needs a process type";
  }

  private CommandLine commandLine() {
    return new CommandLine(this).setCommandName("cnbfarm run");
  }

  /**
   * The image, the process and the args of a parsed command line. picocli puts the arguments after
   * {@code --} with the others, so they are told apart here: only those may follow the image.
   */
  private Args args(CommandLine parsedLine) {
    List<String> original = parsedLine.getParseResult().originalArgs();
    int dashes = original.indexOf("--");
    List<String> afterDashes = dashes < 0 ? List.of() : original.subList(dashes + 1, original.size());
    if (image == null || afterDashes.size() > command.size()) {
      throw new ParameterException(parsedLine, "an image is required");
    }
    if (command.size() > afterDashes.size()) {
      throw new ParameterException(parsedLine, "unexpected argument '" + command.get(0)
          + "'; pass the command's args after --");
    }
    if (process.isEmpty() && parsedLine.getParseResult().hasMatchedOption("--process")) {
      throw new ParameterException(parsedLine, "--process needs a process type");
    }
    return new Args(image, process, command);
  }

  static Args parse(String[] args) {
    RunCommand run = new RunCommand(Map.of(), System.out, System.err, () -> {
      throw new IllegalStateException("parse only");
    });
    CommandLine line = run.commandLine();
    try {
      line.parseArgs(args);
      return run.args(line);
    } catch (ParameterException e) {
      throw new IllegalArgumentException(Failures.usageMessage(e, run), e);
    }
  }

  private static boolean runningAsRoot() {
    try {
      // /proc/self belongs to the process's effective uid
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
