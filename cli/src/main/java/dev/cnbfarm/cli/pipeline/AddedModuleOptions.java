package dev.cnbfarm.cli.pipeline;

import dev.cnbfarm.image.builder.AddedModule;
import dev.cnbfarm.image.builder.BuilderCreator;
import dev.cnbfarm.image.builder.BuilderImage;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.InvalidImageRefException;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.ref.RegistryRef;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.buildpack.ModuleDescriptor;
import dev.cnbfarm.lifecycle.buildpack.ModuleKind;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Option;

/**
 * {@code --buildpack} and {@code --extension} of {@code cnbfarm build}, as {@code pack build} has
 * them: each (repeatable) is a module directory (with {@code buildpack.toml} / {@code
 * extension.toml}), or a buildpackage image ({@code docker://<ref>}, a registry reference or
 * {@code oci:<dir>[:tag]}). When any is given the build runs on an ephemeral builder: the builder
 * plus the modules, with the order of each kind given replaced by one group of exactly those modules
 * (pack's rule), made by {@link BuilderCreator#addModules} and pushed next to the target: the
 * target's repository with the tag {@code cnbfarm-ephemeral-builder-<random>} (left there, as a
 * registry offers no portable delete), or a temporary {@code oci:} layout for an {@code oci:}
 * target, deleted after the build. Mutable while picocli fills it; read once.
 */
public final class AddedModuleOptions {
  static final String TAG_PREFIX = "cnbfarm-ephemeral-builder-";

  @Option(names = {"--buildpack", "-b"}, paramLabel = "<dir|image>", description = "a buildpack to build with "
      + "instead of the builder's order (repeatable, in order): a buildpack dir or a buildpackage image")
  List<String> buildpacks = new ArrayList<>();
  @Option(names = "--extension", paramLabel = "<dir|image>", description = "an extension to build with instead of "
      + "the builder's extension order (repeatable, in order): an extension dir or an extension package image")
  List<String> extensions = new ArrayList<>();

  /** The ephemeral builder: its pinned reference, and the temp layout to delete after the build, if any. */
  record Ephemeral(ImageRef ref, Optional<Path> tempLayout) implements AutoCloseable {
    @Override
    public void close() {
      tempLayout.ifPresent(FileTrees::deleteQuietly);
    }
  }

  boolean any() {
    return !buildpacks.isEmpty() || !extensions.isEmpty();
  }

  /**
   * Reads the module directories' descriptors (cheap, so done before a broker is started): a bad
   * one fails here with INVALID_ARGS naming the flag and the file.
   */
  List<ModuleDescriptor> checkDirs() {
    List<ModuleDescriptor> out = new ArrayList<>();
    for (String b : buildpacks) {
      directory(b).ifPresent(dir -> out.add(descriptor("--buildpack", ModuleKind.BUILDPACK, dir)));
    }
    for (String e : extensions) {
      directory(e).ifPresent(dir -> out.add(descriptor("--extension", ModuleKind.EXTENSION, dir)));
    }
    return out;
  }

  /** Makes and pushes the ephemeral builder over {@code builder} for a build writing {@code target}. */
  Ephemeral create(ImageStore store, String builder, String target, String version, Reporter reporter) {
    ImageRef base = ref("--builder", builder);
    ImageRef app = ref("--image", target);
    BuilderImage image = BuilderImage.read(store, base);
    List<AddedModule> bps = modules(store, "--buildpack", ModuleKind.BUILDPACK, buildpacks);
    List<AddedModule> exts = modules(store, "--extension", ModuleKind.EXTENSION, extensions);
    String tag = TAG_PREFIX + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(0, 12);
    Optional<Path> temp = Optional.empty();
    ImageRef ephemeral;
    Path scratch = null;
    try {
      if (app instanceof RegistryRef r) {
        ephemeral = RegistryRef.of(r.registry(), r.repository(), Optional.of(tag), Optional.empty());
      } else {
        temp = Optional.of(Files.createTempDirectory("cnbfarm-ephemeral-builder-"));
        ephemeral = LayoutRef.of(temp.get(), tag);
      }
      scratch = Files.createTempDirectory("cnbfarm-ephemeral-scratch-");
      BuilderCreator.Result result = new BuilderCreator(store, scratch, version).addModules(image, bps, exts, ephemeral);
      reporter.info("Using an ephemeral builder " + result.ref() + " (" + base + " with buildpacks "
          + bps.stream().map(m -> m.ref().toString()).toList() + " and extensions "
          + exts.stream().map(m -> m.ref().toString()).toList() + ")");
      return new Ephemeral(result.ref().withDigest(result.digest()), temp);
    } catch (IOException e) {
      temp.ifPresent(FileTrees::deleteQuietly);
      throw new UncheckedIOException("cannot create a temp dir for the ephemeral builder", e);
    } catch (RuntimeException e) {
      temp.ifPresent(FileTrees::deleteQuietly);
      throw e;
    } finally {
      if (scratch != null) {
        FileTrees.deleteQuietly(scratch);
      }
    }
  }

  private static List<AddedModule> modules(ImageStore store, String flag, ModuleKind kind, List<String> values) {
    List<AddedModule> out = new ArrayList<>();
    for (String v : values) {
      Optional<Path> dir = directory(v);
      if (dir.isPresent()) {
        out.add(new AddedModule.Dir(descriptor(flag, kind, dir.get())));
      } else {
        String image = v.startsWith("docker://") ? v.substring("docker://".length()) : v;
        out.add(AddedModule.Package.read(store, ref(flag, image), kind));
      }
    }
    return out;
  }

  /** The value as a directory, if it names one; a path-like value that does not exist is an error. */
  private static Optional<Path> directory(String value) {
    if (value.startsWith("docker://") || value.startsWith("oci:")) {
      return Optional.empty();
    }
    Path p = Path.of(value);
    if (Files.isDirectory(p)) {
      return Optional.of(p.toAbsolutePath().normalize());
    }
    if (value.startsWith("/") || value.startsWith(".") || Files.exists(p)) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "'" + value + "' is not a module directory");
    }
    return Optional.empty();
  }

  private static ModuleDescriptor descriptor(String flag, ModuleKind kind, Path dir) {
    Path file = dir.resolve(kind.descriptorFile());
    if (!Files.isRegularFile(file)) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, flag + " " + dir + ": no " + kind.descriptorFile()
          + " in the directory");
    }
    try {
      return ModuleDescriptor.read(kind, dir);
    } catch (LifecycleException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, flag + " " + dir + ": " + e.getMessage(), e);
    }
  }

  private static ImageRef ref(String flag, String text) {
    try {
      return ImageRef.parse(text);
    } catch (InvalidImageRefException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, flag + " '" + text + "': " + e.getMessage());
    }
  }
}
