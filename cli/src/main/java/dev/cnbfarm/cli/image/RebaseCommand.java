package dev.cnbfarm.cli.image;

import dev.cnbfarm.cli.console.ConsoleReporter;
import dev.cnbfarm.cli.console.FailurePolicy;
import dev.cnbfarm.cli.console.Failures;
import dev.cnbfarm.cli.console.HelpFlag;
import dev.cnbfarm.image.rebase.RebaseRequest;
import dev.cnbfarm.image.rebase.RebaseResult;
import dev.cnbfarm.image.rebase.Rebaser;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.InvalidImageRefException;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code cnbfarm rebase <app-image> [--run-image <ref>] [--force] [--tag <ref>]...}: puts an app
 * image on a new run image, metadata-only, and prints the new digest. Exit 0; 72 when the rebase is
 * refused or fails (FailureCode.REBASE_ERROR); 3 for bad arguments; 1 otherwise. Errors print as
 * {@code ERROR: ...}.
 */
@Command(name = "rebase", customSynopsis = RebaseCommand.SYNOPSIS,
    description = "Put an app image on a new run image (default: its recorded run image, re-resolved), "
        + "metadata-only: swaps the layers up to runImage.topLayer, keeps extension and buildpack layers; refuses "
        + "io.buildpacks.rebasable=false, another os/arch or an unrecorded run image without --force (exit 72); "
        + "prints the digest.")
public final class RebaseCommand implements Callable<Integer>, FailurePolicy {
  static final String SYNOPSIS = "cnbfarm rebase <app-image> [--run-image <image>] [--force] [--tag <image>]...";
  static final String USAGE = "usage: " + SYNOPSIS;

  private final PrintStream out;
  private final Supplier<ImageStore> store;
  @Mixin
  private HelpFlag help;
  @Parameters(index = "0", paramLabel = "<app-image>", description = "the app image: a registry reference or "
      + "oci:<dir>[:tag]")
  private String appImage;
  @Option(names = {"--run-image", "-run-image"}, paramLabel = "<image>", description = "the new run image")
  private String runImage;
  @Option(names = {"--force", "-force"}, arity = "0..1", paramLabel = "<true|false>",
      description = "rebase even when refused")
  private boolean force;
  @Option(names = {"--tag", "-t"}, paramLabel = "<image>", description = "one more tag of the result (repeatable)")
  private List<String> tags = new ArrayList<>();

  public RebaseCommand(PrintStream out, ImageStore store) {
    this(out, () -> store);
  }

  public RebaseCommand(PrintStream out, Supplier<ImageStore> store) {
    this.out = out;
    this.store = store;
  }

  /** Runs {@code cnbfarm rebase} with these arguments; returns its exit code. */
  public int run(String[] args) {
    return Failures.install(commandLine(), out).execute(args);
  }

  @Override
  public Integer call() {
    RebaseResult result = new Rebaser(store.get(), new ConsoleReporter(out, "info")).rebase(request());
    out.println(result.unchanged() ? "Image already on " + result.runImage() + "; digest unchanged"
        : "Replaced " + result.replacedLayers() + " run image layers with " + result.runImage() + ", kept "
            + result.keptLayers() + " layers");
    for (ImageRef target : result.targets()) {
      out.println("Rebased Image: " + target.withoutDigest() + "@" + result.digest().value());
    }
    out.println(result.digest().value());
    return 0;
  }

  @Override
  public PrintStream errors() {
    return out;
  }

  @Override
  public String name() {
    return "rebase";
  }

  @Override
  public int failureExit() {
    return 1;
  }

  private CommandLine commandLine() {
    return new CommandLine(this).setCommandName("cnbfarm rebase");
  }

  /** The request of a command line; a usage error is an invalid-args failure. */
  static RebaseRequest parse(String[] args) {
    RebaseCommand command = new RebaseCommand(System.out, () -> {
      throw new IllegalStateException("parse only");
    });
    try {
      command.commandLine().parseArgs(args);
    } catch (ParameterException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, Failures.usageMessage(e, command));
    }
    return command.request();
  }

  private RebaseRequest request() {
    List<ImageRef> more = new ArrayList<>();
    for (String tag : tags) {
      more.add(ref(tag, "--tag"));
    }
    return new RebaseRequest(ref(appImage, "<app-image>"),
        Optional.ofNullable(runImage).map(r -> ref(r, "--run-image")), force, more);
  }

  private static ImageRef ref(String text, String what) {
    try {
      return ImageRef.parse(text);
    } catch (InvalidImageRefException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, what + " '" + text + "': " + e.getMessage(), e);
    }
  }
}
