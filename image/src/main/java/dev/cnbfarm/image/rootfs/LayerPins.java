package dev.cnbfarm.image.rootfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Marks {@link RootfsCache} layers as in use by a live step, so that no cache in any process evicts
 * them: a <em>shared</em> file lock on {@code pins/<hex>.lock} per layer, which eviction must take
 * <em>exclusively</em> ({@link #tryExclusive}). The kernel drops the locks of a dead process.
 *
 * <p>Java file locks belong to the whole JVM and throw {@code OverlappingFileLockException} when
 * one JVM locks a region twice, so this registry is JVM-wide (static): one shared lock per lock
 * file, with a count of this JVM's pins; the lock is released when the count drops to zero.
 * Eviction in this JVM sees the count and skips the layer without touching the file lock.
 *
 * <p>Only directories laid out as {@code <cache>/layers/<hex>} next to a {@code <cache>/pins/}
 * dir are pinned; other lower dirs (tests, hand-made rootfs) are not cache entries and need none.
 * Thread-safe.
 */
final class LayerPins {
  private static final Map<Path, Held> HELD = new HashMap<>();

  private LayerPins() {}

  private static final class Held {
    final FileChannel channel;
    final FileLock lock;
    int count;

    Held(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }
  }

  /** A set of pinned layers; {@link #close()} unpins them and marks them as just used. */
  static final class Pin implements AutoCloseable {
    private final List<Path> lockFiles;
    private final List<Path> usedMarkers;
    private boolean closed;

    private Pin(List<Path> lockFiles, List<Path> usedMarkers) {
      this.lockFiles = lockFiles;
      this.usedMarkers = usedMarkers;
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      for (Path marker : usedMarkers) {
        touchQuietly(marker);
      }
      for (Path lockFile : lockFiles) {
        release(lockFile);
      }
    }
  }

  /**
   * Pins every cache layer among {@code dirs}. Fails if a cache layer is gone (evicted before the
   * step could pin it), naming it, after undoing its own pins.
   */
  static Pin pin(List<Path> dirs) {
    List<Path> lockFiles = new ArrayList<>();
    List<Path> markers = new ArrayList<>();
    Pin pin = new Pin(lockFiles, markers);
    try {
      for (Path dir : dirs) {
        Optional<Path> cacheRoot = cacheRootOf(dir);
        if (cacheRoot.isEmpty()) {
          continue;
        }
        String hex = dir.getFileName().toString();
        Path lockFile = cacheRoot.get().resolve("pins").resolve(hex + ".lock");
        acquire(lockFile);
        lockFiles.add(lockFile);
        markers.add(cacheRoot.get().resolve("used").resolve(hex));
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          throw new UncheckedIOException(new IOException("layer " + dir
              + " was evicted from the rootfs cache before the step could use it; run the step again"));
        }
      }
    } catch (RuntimeException e) {
      markers.clear();
      pin.close();
      throw e;
    }
    return pin;
  }

  /** {@code <cache>} when {@code dir} is {@code <cache>/layers/<hex>} of a cache with a pins dir. */
  static Optional<Path> cacheRootOf(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent == null || parent.getParent() == null || !parent.getFileName().toString().equals("layers")) {
      return Optional.empty();
    }
    try {
      new DiffId(abs.getFileName().toString());
    } catch (IllegalArgumentException notALayer) {
      return Optional.empty();
    }
    Path root = parent.getParent();
    return Files.isDirectory(root.resolve("pins")) ? Optional.of(root) : Optional.empty();
  }

  private static synchronized void acquire(Path lockFile) {
    Held held = HELD.get(lockFile);
    if (held == null) {
      try {
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        try {
          // Blocks only while another process holds it exclusively, i.e. for one eviction's rename.
          held = new Held(channel, channel.lock(0, Long.MAX_VALUE, true));
        } catch (IOException | RuntimeException e) {
          channel.close();
          throw e;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot pin layer " + lockFile + ": " + e.getMessage(), e);
      }
      HELD.put(lockFile, held);
    }
    held.count++;
  }

  private static synchronized void release(Path lockFile) {
    Held held = HELD.get(lockFile);
    if (held == null || --held.count > 0) {
      return;
    }
    HELD.remove(lockFile);
    try {
      held.lock.release();
      held.channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpin layer " + lockFile + ": " + e.getMessage(), e);
    }
  }

  /** What eviction does while it holds a layer's pin lock exclusively. */
  interface Action {
    void run() throws IOException;
  }

  /**
   * Runs {@code action} while holding {@code lockFile} exclusively, if no step of this or another
   * process pins it; returns whether it ran.
   */
  static synchronized boolean tryExclusive(Path lockFile, Action action) throws IOException {
    if (HELD.containsKey(lockFile)) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      if (lock == null) {
        return false;
      }
      action.run();
      return true;
    }
  }

  static void touchQuietly(Path marker) {
    try {
      if (Files.exists(marker)) {
        Files.setLastModifiedTime(marker, FileTime.fromMillis(System.currentTimeMillis()));
      }
    } catch (IOException ignored) {
      // only the LRU order suffers
    }
  }
}
