package dev.cnbfarm.cli.image;

import dev.cnbfarm.cli.console.ConsoleReporter;
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

/**
 * {@code cnbfarm rebase <app-image> [--run-image <ref>] [--force] [--tag <ref>]...}: puts an app
 * image on a new run image, metadata-only, and prints the new digest. Exit 0; 72 when the rebase is
 * refused or fails (FailureCode.REBASE_ERROR); 3 for bad arguments; 1 otherwise. Errors print as
 * {@code ERROR: ...}.
 */
public final class RebaseCommand {
  static final String USAGE = "usage: cnbfarm rebase <app-image> [--run-image <image>] [--force] [--tag <image>]...";

  private final PrintStream out;
  private final ImageStore store;

  public RebaseCommand(PrintStream out, ImageStore store) {
    this.out = out;
    this.store = store;
  }

  public int run(String[] args) {
    try {
      RebaseRequest req = parse(args);
      RebaseResult result = new Rebaser(store, new ConsoleReporter(out, "info")).rebase(req);
      out.println(result.unchanged() ? "Image already on " + result.runImage() + "; digest unchanged"
          : "Replaced " + result.replacedLayers() + " run image layers with " + result.runImage() + ", kept "
              + result.keptLayers() + " layers");
      for (ImageRef target : result.targets()) {
        out.println("Rebased Image: " + target.withoutDigest() + "@" + result.digest().value());
      }
      out.println(result.digest().value());
      return 0;
    } catch (LifecycleException e) {
      out.println("ERROR: " + e.getMessage());
      return e.code().exitCode();
    } catch (RuntimeException e) {
      out.println("ERROR: " + e.getMessage());
      return 1;
    }
  }

  static RebaseRequest parse(String[] args) {
    List<String> positional = new ArrayList<>();
    Optional<ImageRef> runImage = Optional.empty();
    boolean force = false;
    List<ImageRef> tags = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      switch (name) {
        case "--force", "-force" -> force = arg.contains("=") ? Boolean.parseBoolean(value(args, i)) : true;
        case "--run-image", "-run-image" -> {
          runImage = Optional.of(ref(value(args, i), "--run-image"));
          i += arg.contains("=") ? 0 : 1;
        }
        case "--tag", "-t" -> {
          tags.add(ref(value(args, i), "--tag"));
          i += arg.contains("=") ? 0 : 1;
        }
        default -> {
          if (arg.startsWith("-")) {
            throw new LifecycleException(FailureCode.INVALID_ARGS, "unknown flag " + arg + "; " + USAGE);
          }
          positional.add(arg);
        }
      }
    }
    if (positional.size() != 1) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, USAGE);
    }
    return new RebaseRequest(ref(positional.get(0), "<app-image>"), runImage, force, tags);
  }

  private static String value(String[] args, int i) {
    int eq = args[i].indexOf('=');
    if (eq >= 0) {
      return args[i].substring(eq + 1);
    }
    if (i + 1 >= args.length) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, args[i] + " needs a value; " + USAGE);
    }
    return args[i + 1];
  }

  private static ImageRef ref(String text, String what) {
    try {
      return ImageRef.parse(text);
    } catch (InvalidImageRefException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, what + " '" + text + "': " + e.getMessage(), e);
    }
  }
}
