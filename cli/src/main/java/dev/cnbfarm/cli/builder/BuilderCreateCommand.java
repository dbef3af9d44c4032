package dev.cnbfarm.cli.builder;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.cli.console.GoFlags;
import dev.cnbfarm.image.builder.BuilderCreator;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.InvalidImageRefException;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.builder.BuilderConfig;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code cnbfarm builder create --config builder.toml --image <ref>}: a builder in pack's layout
 * and labels from a build image plus local buildpack and extension directories, pushed to a
 * registry or written to an {@code oci:} layout. Exit 0, 1 for a bad builder.toml or build image,
 * 3 for bad arguments; errors print as {@code ERROR: ...}.
 */
public final class BuilderCreateCommand {
  static final String USAGE = "usage: cnbfarm builder create --config <builder.toml> --image <image-ref>";

  private final PrintStream out;
  private final ImageStore store;
  private final String version;

  public BuilderCreateCommand(PrintStream out, ImageStore store, String version) {
    this.out = out;
    this.store = store;
    this.version = version;
  }

  public int run(String[] args) {
    Path scratch = null;
    try {
      GoFlags flags = GoFlags.parse(args, Set.of("config", "c", "image"), Set.of());
      String config = flags.values().getOrDefault("config", flags.values().getOrDefault("c", ""));
      String image = flags.values().getOrDefault("image", "");
      if (!flags.positional().isEmpty() && image.isEmpty() && flags.positional().size() == 1) {
        image = flags.positional().get(0);
      } else if (!flags.positional().isEmpty()) {
        throw new LifecycleException(FailureCode.INVALID_ARGS, "unexpected arguments " + flags.positional() + "; " + USAGE);
      }
      if (config.isEmpty() || image.isEmpty()) {
        throw new LifecycleException(FailureCode.INVALID_ARGS, USAGE);
      }
      ImageRef target;
      try {
        target = ImageRef.parse(image);
      } catch (InvalidImageRefException e) {
        throw new LifecycleException(FailureCode.INVALID_ARGS, "--image '" + image + "': " + e.getMessage(), e);
      }
      BuilderConfig builder = BuilderConfig.read(Path.of(config));
      builder.warnings().forEach(w -> out.println("Warning: " + w));
      scratch = Files.createTempDirectory("cnbfarm-builder");
      BuilderCreator.Result result = new BuilderCreator(store, scratch, version).create(builder, target);
      out.println("Successfully created builder image " + result.ref() + " " + result.digest());
      return 0;
    } catch (LifecycleException e) {
      out.println("ERROR: " + e.getMessage());
      return e.code().exitCode();
    } catch (IOException | RuntimeException e) {
      out.println("ERROR: " + e.getMessage());
      return 1;
    } finally {
      deleteTree(scratch);
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try {
      FileTrees.deleteRecursively(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
