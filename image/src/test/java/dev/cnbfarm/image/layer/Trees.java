package dev.cnbfarm.image.layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Builds test trees with owners, modes and special nodes. We run as root. */
final class Trees {
  private Trees() {}

  static Path file(Path root, String rel, String content, int mode, int uid) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    FileNodes.setOwnerAndMode(p, uid, uid, mode);
    return p;
  }

  static Path dir(Path root, String rel, int mode) throws IOException {
    Path p = Files.createDirectories(root.resolve(rel));
    Files.setAttribute(p, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
    return p;
  }

  /** A tree with every kind of node the layer codec must keep. */
  static void fullTree(Path root) throws IOException {
    dir(root, "etc", 0755);
    file(root, "etc/conf", "hello", 0640, 1000);
    file(root, "bin/tool", "#!/bin/sh\necho tool\n", 04755, 0);
    Files.createLink(root.resolve("bin/hard"), root.resolve("bin/tool"));
    Files.createSymbolicLink(root.resolve("bin/link"), Path.of("tool"));
    Files.createSymbolicLink(root.resolve("abs"), Path.of("/etc/passwd"));
    FileNodes.setOwner(root.resolve("abs"), 1000, 1000);
    dir(root, "empty", 0700);
    dir(root, "tmp", 01777);
    FileNodes.mknod(root.resolve("etc/gone"), 'c', 0, 0);
    dir(root, "opq", 0755);
    FileNodes.setOpaque(root.resolve("opq"));
    file(root, "opq/keep", "kept", 0644, 0);
    String longName = "d".repeat(80) + "/" + "f".repeat(120);
    file(root, longName, "long", 0600, 2000);
    file(root, "workspace/app.jar", "app", 0644, 1000);
    file(root, "layers/cache", "x", 0644, 1000);
  }
}
