package dev.cnbfarm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes the detect benchmark's builder: {@code groups} buildpack groups of {@code elements}
 * shell-script buildpacks each, all distinct. Every group but the last fails on its last element
 * (exit 100), so detect runs every element and resolves every group twice (with and without the
 * extension group); the last group passes, its first buildpack requiring {@code tool}, which an
 * extension provides. Two extensions: one switches the run image, one extends build and run image.
 */
final class BenchFixture {
  private final Path root;
  private final int groups;
  private final int elements;

  BenchFixture(Path root, int groups, int elements) {
    this.root = root;
    this.groups = groups;
    this.elements = elements;
  }

  Path buildpacks() {
    return root.resolve("buildpacks");
  }

  Path extensions() {
    return root.resolve("extensions");
  }

  Path order() {
    return root.resolve("order.toml");
  }

  Path app() {
    return root.resolve("app");
  }

  Path platform() {
    return root.resolve("platform");
  }

  Path runToml() {
    return root.resolve("run.toml");
  }

  void write() throws IOException {
    Files.createDirectories(app());
    Files.createDirectories(platform().resolve("env"));
    StringBuilder order = new StringBuilder();
    for (int g = 1; g <= groups; g++) {
      order.append("[[order]]\n");
      for (int e = 1; e <= elements; e++) {
        String id = "bench/bp-g" + g + "-e" + e;
        boolean last = g == groups;
        String body = !last && e == elements ? "exit 100\n"
            : last && e == 1 ? "printf '[[requires]]\\nname = \"tool\"\\n' > \"$CNB_BUILD_PLAN_PATH\"\n" : "exit 0\n";
        module("buildpack", buildpacks(), id, "detect", body);
        order.append("  [[order.group]]\n  id = \"").append(id).append("\"\n  version = \"1.0.0\"\n");
      }
    }
    module("extension", extensions(), "bench/run-switch", "detect", "exit 0\n");
    module("extension", extensions(), "bench/run-switch", "generate",
        "echo 'FROM registry.example.org/bench/run-tiny:1' > \"$CNB_OUTPUT_DIR/run.Dockerfile\"\n");
    module("extension", extensions(), "bench/tool", "detect",
        "printf '[[provides]]\\nname = \"tool\"\\n' > \"$CNB_BUILD_PLAN_PATH\"\n");
    module("extension", extensions(), "bench/tool", "generate", """
        printf 'ARG base_image\\nFROM ${base_image}\\nARG build_id=0\\nRUN echo tool\\n' > "$CNB_OUTPUT_DIR/build.Dockerfile"
        printf 'ARG base_image\\nFROM ${base_image}\\nLABEL io.buildpacks.rebasable=true\\n' > "$CNB_OUTPUT_DIR/run.Dockerfile"
        """);
    order.append("[[order-extensions]]\n");
    for (String ext : new String[] {"bench/run-switch", "bench/tool"}) {
      order.append("  [[order-extensions.group]]\n  id = \"").append(ext).append("\"\n  version = \"1.0.0\"\n");
    }
    Files.writeString(order(), order.toString());
    Files.writeString(runToml(), "[[images]]\nimage = \"registry.example.org/bench/run:1\"\n\n"
        + "[[images]]\nimage = \"registry.example.org/bench/run-tiny:1\"\n");
  }

  private static void module(String kind, Path base, String id, String bin, String script) throws IOException {
    Path dir = base.resolve(id.replace('/', '_')).resolve("1.0.0");
    Files.createDirectories(dir.resolve("bin"));
    Path descriptor = dir.resolve(kind + ".toml");
    if (!Files.exists(descriptor)) {
      Files.writeString(descriptor, "api = \"0.10\"\n\n[" + kind + "]\nid = \"" + id + "\"\nversion = \"1.0.0\"\n");
    }
    Path exe = dir.resolve("bin").resolve(bin);
    Files.writeString(exe, "#!/bin/sh\n" + script);
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
