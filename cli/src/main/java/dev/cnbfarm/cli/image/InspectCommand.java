package dev.cnbfarm.cli.image;

import dev.cnbfarm.image.builder.BuilderImage;
import dev.cnbfarm.image.inspect.AppImageInfo;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.InvalidImageRefException;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.builder.BuilderLabels;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.cli.console.FailurePolicy;
import dev.cnbfarm.cli.console.Failures;
import dev.cnbfarm.cli.console.HelpFlag;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code cnbfarm inspect <image>}: for an app image what {@code pack inspect} shows (run image,
 * rebasable, buildpacks, extensions, processes); for a builder what {@code pack builder inspect}
 * shows. Exit 0; 1 for an image that is neither or cannot be read; 3 for bad arguments.
 */
@Command(name = "inspect", customSynopsis = InspectCommand.SYNOPSIS,
    description = "An app image's run image, rebasable, buildpacks, extensions and processes (pack inspect), or a "
        + "builder's buildpacks, extensions, orders and run images (pack builder inspect).")
public final class InspectCommand implements Callable<Integer>, FailurePolicy {
  static final String SYNOPSIS = "cnbfarm inspect <image>";
  static final String USAGE = "usage: " + SYNOPSIS;

  private final PrintStream out;
  private final Supplier<ImageStore> store;
  @Mixin
  private HelpFlag help;
  @Parameters(index = "0", paramLabel = "<image>", description = "a registry reference or oci:<dir>[:tag]")
  private String name;

  public InspectCommand(PrintStream out, ImageStore store) {
    this(out, () -> store);
  }

  public InspectCommand(PrintStream out, Supplier<ImageStore> store) {
    this.out = out;
    this.store = store;
  }

  /** Runs {@code cnbfarm inspect} with these arguments; returns its exit code. */
  public int run(String[] args) {
    return Failures.install(new CommandLine(this).setCommandName("cnbfarm inspect"), out).execute(args);
  }

  @Override
  public Integer call() {
    ImageRef ref;
    try {
      ref = ImageRef.parse(name);
    } catch (InvalidImageRefException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "'" + name + "': " + e.getMessage(), e);
    }
    ImageStore images = store.get();
    Image image = images.read(ref);
    String builderLabel = image.config().labels().get(BuilderLabels.METADATA);
    if (builderLabel != null && !builderLabel.isBlank()) {
      out.print(InspectReport.builder(name, BuilderImage.of(image)));
    } else if (AppImageInfo.isAppImage(image)) {
      out.print(InspectReport.app(name, AppImageInfo.read(images, image)));
    } else {
      throw new LifecycleException(FailureCode.INVALID_INPUT, "image " + name
          + " is neither a buildpacks app image (no label " + LifecycleMetadata.LABEL + ") nor a builder (no label "
          + BuilderLabels.METADATA + ")");
    }
    return 0;
  }

  @Override
  public PrintStream errors() {
    return out;
  }

  @Override
  public String name() {
    return "inspect";
  }

  @Override
  public int failureExit() {
    return 1;
  }
}
