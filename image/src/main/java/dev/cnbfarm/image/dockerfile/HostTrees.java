package dev.cnbfarm.image.dockerfile;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Recursive delete and chown of host directory trees, never following symlinks. Stateless. */
final class HostTrees {
  private HostTrees() {}

  /**
   * Gives {@code root} and everything below it to {@code uid:gid} (symlinks themselves, not their
   * targets), unless {@code root} already belongs to them: then its content is assumed to as well,
   * as the reference lifecycle's {@code priv.EnsureOwner} does.
   */
  static void ensureOwner(Path root, int uid, int gid) throws IOException {
    if (ownedBy(root, uid, gid)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        chown(dir, uid, gid);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        chown(file, uid, gid);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  static void chown(Path path, int uid, int gid) throws IOException {
    Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }

  private static boolean ownedBy(Path path, int uid, int gid) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS) == uid
        && (Integer) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS) == gid;
  }
}
