package dev.cnbfarm.lifecycle.fs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Deleting directory trees, the one way the project does it: never following symlinks (a tree
 * that links to layer or host directories never harms them), tolerating entries that vanish
 * meanwhile, a missing root being fine. Stateless.
 */
public final class FileTrees {
  private FileTrees() {}

  /** Deletes {@code root} (a file, a symlink or a directory tree). */
  public static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.deleteIfExists(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** As {@link #deleteRecursively}, for scratch whose leftovers are harmless: true when all went. */
  public static boolean deleteQuietly(Path root) {
    try {
      deleteRecursively(root);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
