package dev.cnbfarm.image.rootfs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The download dir's rule: a layer blob being pulled ({@code layer-*.blob}) is locked (an exclusive
 * file lock on the file itself) while it is pulled and unpacked, so an unlocked one is a dead
 * process's leftover. Stateless.
 */
public final class Downloads {
  private Downloads() {}

  /** Deletes the unlocked downloads in {@code dir}; live ones, in any process, stay. */
  public static void sweep(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> blobs = Files.newDirectoryStream(dir, "layer-*.blob")) {
      for (Path blob : blobs) {
        try (FileChannel channel = FileChannel.open(blob, StandardOpenOption.WRITE)) {
          FileLock lock = channel.tryLock();
          if (lock != null) {
            Files.deleteIfExists(blob);
            lock.release();
          }
        } catch (OverlappingFileLockException liveInThisJvm) {
          // a download of another loader of this JVM
        } catch (IOException goneOrUnreadable) {
          // gone meanwhile, or not ours to judge: leave it
        }
      }
    } catch (IOException e) {
      // only disk space is at stake
    }
  }
}
