package dev.cnbfarm.lifecycle.builder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Test fixture: a directory with a {@code builder.toml} and local buildpack/extension dirs whose
 * executables are tiny shell scripts.
 */
public final class BuilderFixture {
  private BuilderFixture() {}

  /** Writes a buildpack {@code id@version} (api 0.10) under {@code root/dir}. */
  public static Path buildpack(Path root, String dir, String id, String version) throws IOException {
    Path d = Files.createDirectories(root.resolve(dir));
    Files.writeString(d.resolve("buildpack.toml"), "api = \"0.10\"\n\n[buildpack]\nid = \"" + id
        + "\"\nversion = \"" + version + "\"\nhomepage = \"https://example.com/" + id + "\"\n");
    script(d.resolve("bin/detect"), "exit 0");
    script(d.resolve("bin/build"), "exit 0");
    return d;
  }

  /** Writes an extension {@code id@version} (api 0.10) under {@code root/dir}. */
  public static Path extension(Path root, String dir, String id, String version) throws IOException {
    Path d = Files.createDirectories(root.resolve(dir));
    Files.writeString(d.resolve("extension.toml"), "api = \"0.10\"\n\n[extension]\nid = \"" + id
        + "\"\nversion = \"" + version + "\"\n");
    script(d.resolve("bin/detect"), "exit 0");
    script(d.resolve("bin/generate"), "echo 'FROM x' > \"$CNB_OUTPUT_DIR/run.Dockerfile\"");
    return d;
  }

  /** The standard fixture: buildpacks {@code samples/hello@0.0.1}, {@code samples/tool@1.0.0}, extension {@code samples/curl@0.1.0}. */
  public static Path standard(Path root, String buildImage) throws IOException {
    buildpack(root, "bps/hello", "samples/hello", "0.0.1");
    buildpack(root, "bps/tool", "samples/tool", "1.0.0");
    extension(root, "exts/curl", "samples/curl", "0.1.0");
    return write(root, """
        description = "a test builder"

        [[buildpacks]]
        uri = "bps/hello"

        [[buildpacks]]
        uri = "bps/tool"

        [[extensions]]
        uri = "exts/curl"

        [[order]]
          [[order.group]]
          id = "samples/tool"
          optional = true
          [[order.group]]
          id = "samples/hello"
          version = "0.0.1"

        [[order-extensions]]
          [[order-extensions.group]]
          id = "samples/curl"

        [build]
        image = "%s"

        [[build.env]]
        name = "HELLO"
        value = "world"

        [[build.env]]
        name = "PATH"
        value = "/opt/bin"
        suffix = "prepend"

        [[run.images]]
        image = "example.com/run:base"
        mirrors = ["mirror.example.com/run:base"]
        """.formatted(buildImage));
  }

  public static Path write(Path root, String text) throws IOException {
    return Files.writeString(root.resolve("builder.toml"), text);
  }

  private static void script(Path file, String body) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
