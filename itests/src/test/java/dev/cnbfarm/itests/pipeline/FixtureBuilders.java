package dev.cnbfarm.itests.pipeline;

import dev.cnbfarm.engine.testing.SampleImages;
import dev.cnbfarm.image.builder.BuilderCreator;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.lifecycle.builder.BuilderConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The images of the pipeline itests, made once per target kind: the busybox build, run and "tiny"
 * run images and the sample builder ({@link SampleImages}), and small builders made of the
 * fixture buildpacks and extensions in {@code src/test/resources/fixtures/pipeline} (plus the
 * sample's run-image switcher) by {@link BuilderCreator}, as {@code cnbfarm builder create} does.
 * Not thread-safe.
 */
final class FixtureBuilders {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/pipeline").toAbsolutePath();
  static final String HELLO = "fixtures/hello";

  private final Farm farm;
  private final Path dir;
  private final Map<Target, SampleImages> samples = new EnumMap<>(Target.class);
  private final Map<String, ImageRef> builders = new HashMap<>();

  FixtureBuilders(Farm farm, Path dir) {
    this.farm = farm;
    this.dir = dir;
  }

  /** The sample images in {@code target}'s kind of store. */
  SampleImages samples(Target target) {
    return samples.computeIfAbsent(target, t -> {
      try {
        Path tmp = Files.createDirectories(dir.resolve("samples-" + t));
        return SampleImages.write(farm.store, name -> t.ref(farm, dir, "sample-" + name), tmp);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /**
   * A builder named {@code name} in {@code target}'s store with {@code buildpack} and the
   * extensions (fixture ids, or {@code samples/run-tiny}), over the sample build image, whose
   * run.toml names the sample run image.
   */
  ImageRef builder(Target target, String name, String buildpack, List<String> extensions) {
    return builders.computeIfAbsent(target + "/" + name, k -> create(target, name, buildpack, extensions));
  }

  /** A builder with no buildpacks, extensions or order (as UBI's), over the sample build and run images. */
  ImageRef buildpackless(Target target) {
    return builders.computeIfAbsent(target + "/buildpackless", k -> create(target, "buildpackless", "", List.of()));
  }

  /** A fixture module's directory, e.g. {@code ("extensions", "fixtures/run-file")}. */
  static Path moduleDir(String kind, String id) {
    return module(kind, id);
  }

  private ImageRef create(Target target, String name, String buildpack, List<String> extensions) {
    SampleImages base = samples(target);
    StringBuilder toml = new StringBuilder("description = \"cnbfarm itest builder " + name + "\"\n\n");
    if (!buildpack.isEmpty()) {
      toml.append("[[buildpacks]]\nuri = \"").append(module("buildpacks", buildpack)).append("\"\n\n");
    }
    for (String ext : extensions) {
      toml.append("[[extensions]]\nuri = \"").append(module("extensions", ext)).append("\"\n\n");
    }
    if (!buildpack.isEmpty()) {
      toml.append("[[order]]\n  [[order.group]]\n  id = \"").append(buildpack).append("\"\n  version = \"0.0.1\"\n\n");
    }
    if (!extensions.isEmpty()) {
      toml.append("[[order-extensions]]\n");
      for (String ext : extensions) {
        toml.append("  [[order-extensions.group]]\n  id = \"").append(ext).append("\"\n  version = \"0.0.1\"\n\n");
      }
    }
    toml.append("[build]\nimage = \"").append(base.build()).append("\"\n\n");
    toml.append("[[run.images]]\nimage = \"").append(base.run().withoutDigest()).append("\"\n");
    try {
      Path work = Files.createDirectories(dir.resolve("builder-" + target + "-" + name));
      Path file = Files.writeString(work.resolve("builder.toml"), toml);
      ImageRef ref = target.ref(farm, dir, "builder-" + name);
      new BuilderCreator(farm.store, Files.createDirectories(work.resolve("scratch")), "0.0.0-itest")
          .create(BuilderConfig.read(file), ref);
      return ref;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A module's dir: the fixtures', or the sample builder's for {@code samples/*}. */
  private static Path module(String kind, String id) {
    Path root = id.startsWith("samples/") ? SampleImages.repoRoot().resolve("samples/builder") : FIXTURES;
    return root.resolve(kind).resolve(id.replace('/', '_')).resolve("0.0.1");
  }
}
