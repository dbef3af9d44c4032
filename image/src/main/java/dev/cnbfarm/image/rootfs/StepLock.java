package dev.cnbfarm.image.rootfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive file lock that marks a step dir as owned by a live process: held for the step's
 * lifetime, dropped by the kernel if the process dies, so a {@link ScratchSpace#open(Path)} in any
 * process can tell a running step from a dead one's leftovers. Closing deletes the lock file (while
 * still holding the lock) and releases it. Not thread-safe; closed once by its step.
 */
final class StepLock implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private boolean closed;

  private StepLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Creates and locks {@code file}; the step dir must be created only after this returns, so a
   * step dir without a held lock is always a dead one.
   *
   * <p>A sweeper may take the new file's lock between its creation and our {@code lock()}, see no
   * step dir and delete it; our lock would then be on a deleted file that no one else sees. So the
   * file must still exist once we hold the lock (a sweeper deletes only while holding it), else
   * this gives up and the caller's step fails rather than run unowned.
   */
  static StepLock take(Path file) {
    try {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        FileLock lock = channel.lock();
        if (!Files.exists(file)) {
          lock.release();
          throw new IOException("a concurrent sweep removed the new lock file");
        }
        return new StepLock(file, channel, lock);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock step scratch " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Files.deleteIfExists(file);
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release step lock " + file + ": " + e.getMessage(), e);
    }
  }
}
