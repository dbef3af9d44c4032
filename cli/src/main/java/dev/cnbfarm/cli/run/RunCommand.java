package dev.cnbfarm.cli.run;

import dev.cnbfarm.image.dockerfile.ImageLoader;
import dev.cnbfarm.image.dockerfile.ImageRunner;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.rootfs.LocalCache;
import dev.cnbfarm.image.sandbox.Sandbox;
import dev.cnbfarm.image.sandbox.SandboxException;
import dev.cnbfarm.image.sandbox.SandboxResult;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.ImageStoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code cnbfarm run <image> [--process <type>] [-- args...]}: runs an app image without a
 * container runtime. The image (registry or {@code oci:} layout) is loaded into the rootfs cache
 * under {@code CNBFARM_CACHE_DIR} and its Entrypoint runs in the sandbox over its layers, as its
 * user, with its Env and WorkingDir; the args after {@code --} replace its Cmd, and {@code
 * --process} sets {@code CNB_PROCESS_TYPE}. Output is streamed; the exit code is the process's, or
 * 125 when it never started. Needs root, as the sandbox does.
 */
public final class RunCommand {
  static final String USAGE = "usage: cnbfarm run <image> [--process <type>] [-- args...]";
  /** The exit code when the process never started (usage, not root, no image), as docker run's. */
  static final int ERROR = 125;

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private final Supplier<ImageStore> store;
  private final BooleanSupplier isRoot;

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

  public int run(String[] args) {
    Args parsed;
    try {
      parsed = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("ERROR: " + e.getMessage());
      err.println(USAGE);
      return ERROR;
    }
    if (!isRoot.getAsBoolean()) {
      err.println("ERROR: cnbfarm run needs root: the sandbox uses mount and user namespaces and overlay mounts");
      return ERROR;
    }
    try {
      ImageRef ref = ImageRef.parse(parsed.image());
      Duration limit = Duration.parse(env.getOrDefault("CNBFARM_RUN_TIMEOUT", "PT24H"));
      ImageStore images = store.get();
      Image image = images.read(ref);
      try (LocalCache cache = LocalCache.open(env)) {
        ImageRunner runner = new ImageRunner(Sandbox.create(), cache.scratch(),
            new ImageLoader(images, cache.rootfs(), cache.downloads()), limit);
        Map<String, String> extra = parsed.process().isEmpty() ? Map.of() : Map.of("CNB_PROCESS_TYPE", parsed.process());
        SandboxResult result = runner.run(image, parsed.command(), extra, out::println, err::println);
        if (result.timedOut()) {
          err.println("ERROR: killed after CNBFARM_RUN_TIMEOUT " + limit);
        }
        return result.exitCode();
      }
    } catch (DateTimeParseException | IllegalArgumentException | ImageStoreException
        | SandboxException | UncheckedIOException e) {
      err.println("ERROR: cannot run " + parsed.image() + ": " + e.getMessage());
      return ERROR;
    } catch (RuntimeException e) {
      // A hostile or broken image (an escaping layer entry, a bad whiteout, ...) never started: the
      // documented 125 and one line, not a stack trace and exit 1.
      err.println("ERROR: cannot run " + parsed.image() + ": " + describe(e));
      return ERROR;
    }
  }

  /** The message, with its cause's when that adds something; never a class name. */
  private static String describe(RuntimeException e) {
    String message = e.getMessage() == null ? "internal error" : e.getMessage();
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
      message += ": " + cause.getMessage();
    }
    return message.replace('\n', ' ');
  }

  static Args parse(String[] args) {
    String image = null;
    String process = "";
    List<String> command = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--")) {
        command.addAll(List.of(args).subList(i + 1, args.length));
        break;
      } else if (a.equals("--process") || a.equals("-process")) {
        if (i + 1 == args.length || args[i + 1].isEmpty()) {
          throw new IllegalArgumentException(a + " needs a process type");
        }
        process = args[++i];
      } else if (a.startsWith("--process=")) {
        process = a.substring("--process=".length());
      } else if (a.startsWith("-")) {
        throw new IllegalArgumentException("unknown flag " + a);
      } else if (image == null) {
        image = a;
      } else {
        throw new IllegalArgumentException("unexpected argument '" + a + "'; pass the command's args after --");
      }
    }
    if (image == null) {
      throw new IllegalArgumentException("an image is required");
    }
    return new Args(image, process, command);
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
