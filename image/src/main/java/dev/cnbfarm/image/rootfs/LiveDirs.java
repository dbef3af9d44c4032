package dev.cnbfarm.image.rootfs;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of entries {@code <name>/}, each owned by a live process through an exclusive file
 * lock on its sibling {@code <name>.lock} ({@link StepLock}): the scratch root's step dirs and the
 * cache's leases. The kernel drops a lock when its process dies, so an entry whose lock can be
 * taken is a dead process's leftover. Stateless.
 */
final class LiveDirs {
  private static final Logger log = LoggerFactory.getLogger(LiveDirs.class);

  static final String LOCK_SUFFIX = ".lock";

  private LiveDirs() {}

  /** Deletes the entries of dead processes under {@code root}; live ones, here or elsewhere, stay. */
  static void sweep(Path root) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.endsWith(LOCK_SUFFIX)) {
          Path owned = root.resolve(name.substring(0, name.length() - LOCK_SUFFIX.length()));
          if (!Files.exists(owned, LinkOption.NOFOLLOW_LINKS)) {
            sweepIfDead(owned); // an orphaned lock file (its owner died after deleting the dir)
          }
          continue;
        }
        sweepIfDead(entry);
      }
    }
  }

  /** Whether a live process (this one included) holds {@code entry}'s lock. */
  static boolean isLive(Path entry) throws IOException {
    Path lockFile = lockFileOf(entry);
    if (!Files.exists(lockFile)) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        return true;
      }
      lock.release();
      return false;
    } catch (OverlappingFileLockException heldByThisJvm) {
      return true;
    } catch (java.nio.file.NoSuchFileException gone) {
      return false;
    }
  }

  /** Deletes {@code entry} and its lock file if no live process holds the lock. */
  private static void sweepIfDead(Path entry) throws IOException {
    Path lockFile = lockFileOf(entry);
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException heldByThisJvm) {
        return; // an entry of another owner in this JVM
      }
      if (lock == null) {
        return; // a live entry of another process
      }
      try {
        if (Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
          log.info("sweeping stale entry {} of a dead process", entry);
          FileTrees.deleteRecursively(entry);
        }
        Files.deleteIfExists(lockFile);
      } finally {
        lock.release();
      }
    }
  }

  static Path lockFileOf(Path entry) {
    return entry.resolveSibling(entry.getFileName() + LOCK_SUFFIX);
  }
}
