package dev.cnbfarm.cli.builder;

import dev.cnbfarm.cli.console.FailurePolicy;
import dev.cnbfarm.cli.console.Failures;
import dev.cnbfarm.cli.console.HelpFlag;
import dev.cnbfarm.image.builder.BuilderCreator;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.InvalidImageRefException;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.builder.BuilderConfig;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cnbfarm builder create --config builder.toml --image <ref>}: a builder in pack's layout
 * and labels from a build image plus local buildpack and extension directories, pushed to a
 * registry or written to an {@code oci:} layout. Exit 0, 1 for a bad builder.toml or build image,
 * 3 for bad arguments; errors print as {@code ERROR: ...}.
 */
@Command(name = "create", customSynopsis = BuilderCreateCommand.SYNOPSIS,
    description = "A builder from a build image and local buildpack/extension dirs, in pack's layout and labels, "
        + "pushed to a registry or written to oci:<dir>[:tag].")
public final class BuilderCreateCommand implements Callable<Integer>, FailurePolicy {
  static final String SYNOPSIS = "cnbfarm builder create --config <builder.toml> --image <ref>";
  static final String USAGE = "usage: " + SYNOPSIS;

  private final PrintStream out;
  private final Supplier<ImageStore> store;
  private final String version;
  @Spec
  private CommandLine.Model.CommandSpec spec;
  @Mixin
  private HelpFlag help;
  @Option(names = {"--config", "-config", "-c"}, paramLabel = "<builder.toml>", description = "pack's builder.toml")
  private String config = "";
  @Option(names = {"--image", "-image"}, paramLabel = "<ref>",
      description = "the builder image: a registry reference or oci:<dir>[:tag]")
  private String image = "";
  @Parameters(arity = "0..*", paramLabel = "<ref>", description = "the builder image, when --image is not given")
  private List<String> positional = new ArrayList<>();

  public BuilderCreateCommand(PrintStream out, ImageStore store, String version) {
    this(out, () -> store, version);
  }

  public BuilderCreateCommand(PrintStream out, Supplier<ImageStore> store, String version) {
    this.out = out;
    this.store = store;
    this.version = version;
  }

  /** Runs {@code cnbfarm builder create} with these arguments; returns its exit code. */
  public int run(String[] args) {
    return Failures.install(new CommandLine(this).setCommandName("cnbfarm builder create"), out).execute(args);
  }

  @Override
  public Integer call() throws IOException {
    String ref = image;
    if (positional.size() == 1 && image.isEmpty()) {
      ref = positional.get(0);
    } else if (!positional.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "unexpected arguments " + positional + "; " + USAGE);
    }
    if (config.isEmpty() || ref.isEmpty()) {
      throw new ParameterException(spec.commandLine(), USAGE);
    }
    ImageRef target;
    try {
      target = ImageRef.parse(ref);
    } catch (InvalidImageRefException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "--image '" + ref + "': " + e.getMessage(), e);
    }
    BuilderConfig builder = BuilderConfig.read(Path.of(config));
    builder.warnings().forEach(w -> out.println("Warning: " + w));
    Path scratch = Files.createTempDirectory("cnbfarm-builder");
    try {
      BuilderCreator.Result result = new BuilderCreator(store.get(), scratch, version).create(builder, target);
      out.println("Successfully created builder image " + result.ref() + " " + result.digest());
      return 0;
    } finally {
      deleteTree(scratch);
    }
  }

  @Override
  public PrintStream errors() {
    return out;
  }

  @Override
  public String name() {
    return "builder create";
  }

  @Override
  public int failureExit() {
    return 1;
  }

  private static void deleteTree(Path dir) {
    try {
      FileTrees.deleteRecursively(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
