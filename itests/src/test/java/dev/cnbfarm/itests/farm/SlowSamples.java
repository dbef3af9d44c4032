package dev.cnbfarm.itests.farm;

import dev.cnbfarm.engine.testing.SampleImages;
import dev.cnbfarm.image.builder.BuilderCreator;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.builder.BuilderConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The sample images ({@link SampleImages}) with a builder whose two Dockerfile-writing extensions
 * can be made slow from the build's env: {@code SAMPLES_BUILD_SLEEP=<s>} appends a {@code RUN sleep}
 * to the hello-tool build.Dockerfile, {@code SAMPLES_RUN_SLEEP=<s>} one to the motd run.Dockerfile.
 * Each sits after an {@code ARG build_id}, so the layer cache never skips it.
 */
public final class SlowSamples {
  private SlowSamples() {}

  /** Writes the sample images and the slow builder ({@code ref.apply("slow-builder")}). */
  public static SampleImages write(ImageStore store, Function<String, ImageRef> ref, Path tmp) throws IOException {
    SampleImages images = SampleImages.write(store, ref, Files.createDirectories(tmp.resolve("samples")));
    Path source = SampleImages.repoRoot().resolve("samples/builder");
    Path builder = tmp.resolve("slow-builder");
    copy(source, builder);
    append(builder.resolve("extensions/samples_hello-tool/0.0.1/bin/generate"), "build.Dockerfile",
        "SAMPLES_BUILD_SLEEP");
    append(builder.resolve("extensions/samples_motd/0.0.1/bin/generate"), "run.Dockerfile", "SAMPLES_RUN_SLEEP");
    String toml = Files.readString(builder.resolve("builder.toml"))
        .replace("BUILD_IMAGE", images.build().toString())
        .replace("uri = \"", "uri = \"" + builder + "/");
    Path builderToml = Files.writeString(tmp.resolve("slow-builder.toml"), toml);
    ImageRef slow = ref.apply("slow-builder");
    new BuilderCreator(store, Files.createDirectories(tmp.resolve("slow-builder-scratch")), "0.0.0-test")
        .create(BuilderConfig.read(builderToml), slow);
    return new SampleImages(slow, images.build(), images.run(), images.runTiny(), images.app());
  }

  private static void append(Path generate, String dockerfile, String variable) throws IOException {
    Files.writeString(generate, Files.readString(generate)
        + "if [ -n \"${" + variable + ":-}\" ]; then\n"
        + "  printf 'ARG build_id=0\\nRUN echo \"sleeping %s s for build ${build_id}\" && sleep %s\\n' \"$" + variable
        + "\" \"$" + variable + "\" >> \"$CNB_OUTPUT_DIR/" + dockerfile + "\"\n"
        + "fi\n");
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
