package dev.cnbfarm.image.rootfs;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpacked layers on local disk, one directory per diffID, used as overlayfs lower directories.
 *
 * <p>Layout under the cache root:
 *
 * <ul>
 *   <li>{@code layers/<hex>/} – a complete unpacked layer. It only ever appears by an atomic {@code
 *       rename(2)} of a finished staging directory, so <em>its existence is the completion
 *       marker</em>: a worker killed mid-unpack can never leave a half-filled {@code layers/<hex>}.
 *   <li>{@code staging/<hex>.<uuid>/} – an unpack in progress. Left-overs of killed workers are
 *       swept by {@link #open(Path)} (only those whose key lock is free, so a live unpack in
 *       another process is never touched).
 *   <li>{@code locks/<hex>.lock} – file locks so concurrent processes unpack a diffID once.
 * </ul>
 *
 * <p>Layer directories are never modified after they appear; callers must treat them as read-only.
 *
 * <p>Thread-safe: concurrent callers for the same diffID (threads of this JVM or other processes
 * sharing the root) unpack it once; the others wait and reuse the result. Use one instance per
 * cache root per JVM (Java file locks are per JVM and would throw on overlap between two
 * instances).
 */
public final class RootfsCache {
  private static final Logger log = LoggerFactory.getLogger(RootfsCache.class);

  private final Path layers;
  private final Path staging;
  private final Path locks;
  private final ConcurrentMap<DiffId, ReentrantLock> keyLocks = new ConcurrentHashMap<>();

  private RootfsCache(Path root) {
    this.layers = root.resolve("layers");
    this.staging = root.resolve("staging");
    this.locks = root.resolve("locks");
  }

  /** Opens (creating if needed) the cache at {@code cacheRoot} and sweeps stale staging dirs. */
  public static RootfsCache open(Path cacheRoot) {
    RootfsCache cache = new RootfsCache(cacheRoot.toAbsolutePath().normalize());
    try {
      Files.createDirectories(cache.layers);
      Files.createDirectories(cache.staging);
      Files.createDirectories(cache.locks);
      cache.sweepStaging();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open rootfs cache at " + cacheRoot, e);
    }
    return cache;
  }

  /** The directory of a completely unpacked layer, if this cache holds it. */
  public Optional<Path> find(DiffId diffId) {
    Path dir = layers.resolve(diffId.hex());
    return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) ? Optional.of(dir) : Optional.empty();
  }

  /**
   * Returns the directory of the unpacked layer, running {@code unpacker} into a fresh staging
   * directory first if no complete copy exists. Blocks while another thread or process unpacks the
   * same diffID. If the unpacker fails, its staging directory is deleted and the error propagates
   * ({@link IOException}s wrapped in {@link UncheckedIOException}, whose message keeps the
   * cause's: {@code cannot unpack layer sha256:…: <entry>: <cause>}).
   */
  public Path layerDir(DiffId diffId, LayerUnpacker unpacker) {
    Optional<Path> existing = find(diffId);
    if (existing.isPresent()) {
      return existing.get();
    }
    ReentrantLock lock = keyLocks.computeIfAbsent(diffId, k -> new ReentrantLock());
    lock.lock();
    try (FileChannel channel = openLockFile(diffId);
        FileLock fileLock = channel.lock()) {
      Optional<Path> unpackedMeanwhile = find(diffId);
      if (unpackedMeanwhile.isPresent()) {
        return unpackedMeanwhile.get();
      }
      return unpack(diffId, unpacker);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack layer " + diffId + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private Path unpack(DiffId diffId, LayerUnpacker unpacker) throws IOException {
    Path tmp = staging.resolve(diffId.hex() + "." + UUID.randomUUID());
    Files.createDirectory(tmp);
    Path target = layers.resolve(diffId.hex());
    try {
      long start = System.nanoTime();
      unpacker.unpack(tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      log.debug("unpacked {} in {} ms", diffId, (System.nanoTime() - start) / 1_000_000);
      return target;
    } catch (IOException | RuntimeException | Error e) {
      deleteQuietly(tmp, e);
      if (e instanceof AtomicMoveNotSupportedException || e instanceof FileAlreadyExistsException) {
        throw new IOException("cannot publish " + tmp + " as " + target, e);
      }
      throw e;
    }
  }

  private FileChannel openLockFile(DiffId diffId) throws IOException {
    return FileChannel.open(
        locks.resolve(diffId.hex() + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  private void sweepStaging() throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(staging)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        int dot = name.indexOf('.');
        if (dot <= 0) {
          FileTrees.deleteRecursively(entry);
          continue;
        }
        sweepIfUnlocked(entry, name.substring(0, dot));
      }
    }
  }

  private void sweepIfUnlocked(Path entry, String hex) throws IOException {
    DiffId key;
    try {
      key = new DiffId(hex);
    } catch (IllegalArgumentException notOurs) {
      FileTrees.deleteRecursively(entry);
      return;
    }
    try (FileChannel channel = openLockFile(key);
        FileLock fileLock = channel.tryLock()) {
      if (fileLock != null) {
        log.info("sweeping half-unpacked layer dir {}", entry);
        FileTrees.deleteRecursively(entry);
      }
    }
  }

  private static void deleteQuietly(Path dir, Throwable cause) {
    try {
      FileTrees.deleteRecursively(dir);
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }
}
