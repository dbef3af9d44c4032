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
import java.io.PrintStream;

/**
 * {@code cnbfarm inspect <image>}: for an app image what {@code pack inspect} shows (run image,
 * rebasable, buildpacks, extensions, processes); for a builder what {@code pack builder inspect}
 * shows. Exit 0; 1 for an image that is neither or cannot be read; 3 for bad arguments.
 */
public final class InspectCommand {
  static final String USAGE = "usage: cnbfarm inspect <image>";

  private final PrintStream out;
  private final ImageStore store;

  public InspectCommand(PrintStream out, ImageStore store) {
    this.out = out;
    this.store = store;
  }

  public int run(String[] args) {
    try {
      if (args.length != 1 || args[0].startsWith("-")) {
        throw new LifecycleException(FailureCode.INVALID_ARGS, USAGE);
      }
      ImageRef ref;
      try {
        ref = ImageRef.parse(args[0]);
      } catch (InvalidImageRefException e) {
        throw new LifecycleException(FailureCode.INVALID_ARGS, "'" + args[0] + "': " + e.getMessage(), e);
      }
      Image image = store.read(ref);
      String builderLabel = image.config().labels().get(BuilderLabels.METADATA);
      if (builderLabel != null && !builderLabel.isBlank()) {
        out.print(InspectReport.builder(args[0], BuilderImage.of(image)));
      } else if (AppImageInfo.isAppImage(image)) {
        out.print(InspectReport.app(args[0], AppImageInfo.read(store, image)));
      } else {
        throw new LifecycleException(FailureCode.INVALID_INPUT, "image " + args[0]
            + " is neither a buildpacks app image (no label " + LifecycleMetadata.LABEL + ") nor a builder (no label "
            + BuilderLabels.METADATA + ")");
      }
      return 0;
    } catch (LifecycleException e) {
      out.println("ERROR: " + e.getMessage());
      return e.code().exitCode();
    } catch (RuntimeException e) {
      out.println("ERROR: " + e.getMessage());
      return 1;
    }
  }
}
