package dev.cnbfarm.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The throughput benchmark's builder: one buildpack ({@code bench/app}, a launch layer and a
 * process) and one extension ({@code bench/sleep}) whose {@code build.Dockerfile} RUN sleeps 2 s
 * and uses {@code ARG build_id}, so the extension layer cache never skips it: every build pays
 * the 2 s inside its build-image extension. Written as files, then made into {@code
 * oci:<dir>/images:sleep-builder} by {@code cnbfarm builder create} over the sample's busybox
 * build image. Stateless.
 */
final class SleepBuilder {
  static final String DOCKERFILE = """
      ARG base_image
      FROM ${base_image}
      USER root
      ARG build_id=0
      RUN sleep 2 && echo "build ${build_id}" > /etc/cnbfarm-build-id
      USER 1000:1000
      """;

  private SleepBuilder() {}

  /** Writes the fixture under {@code dir/sleep-builder} and creates the builder image; returns its reference. */
  static String create(CliProcess cli, Path dir) {
    Path root = dir.resolve("sleep-builder");
    String images = "oci:" + dir.resolve("images");
    try {
      Path bp = root.resolve("buildpacks/bench_app/0.0.1");
      write(bp.resolve("buildpack.toml"), """
          api = "0.10"
          [buildpack]
          id = "bench/app"
          version = "0.0.1"
          [[targets]]
          os = "linux"
          """);
      write(bp.resolve("bin/detect"), "#!/bin/sh\nexit 0\n");
      write(bp.resolve("bin/build"), """
          #!/bin/sh
          set -eu
          mkdir -p "$CNB_LAYERS_DIR/hello/bin"
          printf '[types]\\nlaunch = true\\n' > "$CNB_LAYERS_DIR/hello.toml"
          printf '#!/bin/sh\\necho hello\\n' > "$CNB_LAYERS_DIR/hello/bin/hello"
          chmod 755 "$CNB_LAYERS_DIR/hello/bin/hello"
          printf '[[processes]]\\ntype = "web"\\ncommand = ["hello"]\\ndefault = true\\n' > "$CNB_LAYERS_DIR/launch.toml"
          """);
      Path ext = root.resolve("extensions/bench_sleep/0.0.1");
      write(ext.resolve("extension.toml"), """
          api = "0.10"
          [extension]
          id = "bench/sleep"
          version = "0.0.1"
          """);
      write(ext.resolve("bin/generate"), "#!/bin/sh\nset -eu\ncat > \"$CNB_OUTPUT_DIR/build.Dockerfile\" <<'DOCKERFILE'\n"
          + DOCKERFILE + "DOCKERFILE\n");
      write(root.resolve("builder.toml"), """
          description = "cnbfarm bench: a build-image extension whose RUN sleeps 2 s"
          [[buildpacks]]
          uri = "%1$s/buildpacks/bench_app/0.0.1"
          [[extensions]]
          uri = "%1$s/extensions/bench_sleep/0.0.1"
          [[order]]
            [[order.group]]
            id = "bench/app"
            version = "0.0.1"
          [[order-extensions]]
            [[order-extensions.group]]
            id = "bench/sleep"
            version = "0.0.1"
          [build]
          image = "%2$s:builder"
          [[run.images]]
          image = "%2$s:run"
          """.formatted(root, images));
      Files.createDirectories(root.resolve("app"));
      Files.writeString(root.resolve("app/hello.txt"), "hello\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String ref = images + ":sleep-builder";
    cli.run(List.of("builder", "create", "--config", root.resolve("builder.toml").toString(), "--image", ref),
        dir.resolve("logs/sleep-builder.log"));
    return ref;
  }

  static Path app(Path dir) {
    return dir.resolve("sleep-builder/app");
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    if (file.getParent().getFileName().toString().equals("bin")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }
}
