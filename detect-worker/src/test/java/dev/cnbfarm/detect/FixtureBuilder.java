package dev.cnbfarm.detect;

import dev.cnbfarm.image.builder.BuilderCreator;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.builder.BuilderConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A one-buildpack builder written with {@code cnbfarm builder create}'s code, over a build image
 * and naming a run image in its run.toml: tiny shell buildpacks for what the sample builder cannot
 * show. Stateless.
 */
final class FixtureBuilder {
  private FixtureBuilder() {}

  /** A builder whose only buildpack {@code id} runs {@code detect} (a sh script body). */
  static ImageRef write(ImageStore store, ImageRef target, ImageRef buildImage, ImageRef runImage, String id,
      String detect, Path tmp) throws IOException {
    return write(store, target, buildImage, runImage, id, detect, null, tmp);
  }

  /**
   * As {@link #write(ImageStore, ImageRef, ImageRef, ImageRef, String, String, Path)}, with an
   * extension {@code <id>-ext} (no bin/detect, so it passes) running {@code generate} when it is
   * not null.
   */
  static ImageRef write(ImageStore store, ImageRef target, ImageRef buildImage, ImageRef runImage, String id,
      String detect, String generate, Path tmp) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(id.replace('/', '_')));
    Path bp = Files.createDirectories(dir.resolve("buildpack/bin"));
    Files.writeString(dir.resolve("buildpack/buildpack.toml"), "api = \"0.10\"\n\n[buildpack]\nid = \"" + id
        + "\"\nversion = \"0.0.1\"\nname = \"" + id + "\"\n");
    script(bp.resolve("detect"), detect);
    script(bp.resolve("build"), "exit 0");
    String extension = "";
    if (generate != null) {
      Path ext = Files.createDirectories(dir.resolve("extension/bin"));
      Files.writeString(dir.resolve("extension/extension.toml"), "api = \"0.10\"\n\n[extension]\nid = \"" + id
          + "-ext\"\nversion = \"0.0.1\"\nname = \"" + id + " extension\"\n");
      script(ext.resolve("generate"), generate);
      extension = "[[extensions]]\nuri = \"" + dir.resolve("extension") + "\"\n\n[[order-extensions]]\n"
          + "  [[order-extensions.group]]\n  id = \"" + id + "-ext\"\n  version = \"0.0.1\"\n\n";
    }
    Path toml = Files.writeString(dir.resolve("builder.toml"), extension + "[[buildpacks]]\nuri = \""
        + dir.resolve("buildpack") + "\"\n\n[[order]]\n  [[order.group]]\n  id = \"" + id
        + "\"\n  version = \"0.0.1\"\n\n[build]\nimage = \"" + buildImage + "\"\n\n[[run.images]]\nimage = \""
        + runImage.withoutDigest() + "\"\n");
    BuilderCreator.Result result = new BuilderCreator(store, Files.createDirectories(dir.resolve("scratch")), "0.0.0-test")
        .create(BuilderConfig.read(toml), target);
    return result.ref();
  }

  private static void script(Path file, String body) throws IOException {
    Files.writeString(file, "#!/bin/sh\nset -eu\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
