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
import java.nio.file.FileVisitResult;
import java.nio.file.NoSuchFileException;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 *   <li>{@code used/<hex>} – the layer's size in bytes (as text); its mtime is the layer's last use
 *       (set when {@link #layerDir} returns it and when a step using it ends), the LRU order.
 *   <li>{@code pins/<hex>.lock} – shared file locks held by live steps that stack the layer
 *       ({@link ScratchSpace#prepare} until {@link OverlayMount#close()}).
 *   <li>{@code trash/} – evicted layers, renamed here atomically and then deleted, so a reader never
 *       sees a half-deleted {@code layers/<hex>}.
 * </ul>
 *
 * <p><b>Eviction.</b> The cache has a size budget: its own (given to {@link #open(Path, long,
 * Duration)}) or, as part of a {@link LocalCache}, that cache's one budget over layers and blobs
 * ({@value LocalCache#MAX_BYTES_ENV}). After an unpack publishes a layer and the total exceeds the
 * budget, the least recently used layers are evicted until it fits, skipping the one just
 * published, those pinned by a live step in any process (an exclusive {@code tryLock} on the pin
 * lock fails) and those used within the last {@code keepRecent} (default {@link
 * #DEFAULT_KEEP_RECENT}). The pin protects a layer while a step runs on it; the recent-use window
 * protects the gaps where a job holds layer dirs without a mount (between {@link #layerDir} and
 * the first step, and between two steps), since every use and every step end refreshes the mark.
 * A layer evicted all the same before a step pins it fails that step with a clear message, never
 * silently; a later request unpacks it again.
 *
 * <p>Layer directories are never modified after they appear; callers must treat them as read-only.
 *
 * <p>Thread-safe: concurrent callers for the same diffID (threads of this JVM or other processes
 * sharing the root) unpack it once; the others wait and reuse the result. Prefer one instance per
 * cache root per JVM (the unpack locks are per instance; the pins are JVM-wide).
 */
public final class RootfsCache {
  private static final Logger log = LoggerFactory.getLogger(RootfsCache.class);

  /** Layers used this recently are never evicted (see the class comment). */
  public static final Duration DEFAULT_KEEP_RECENT = Duration.ofMinutes(10);

  private final Path root;
  private final Budget budget;
  private final Path layers;
  private final Path staging;
  private final Path locks;
  private final Path used;
  private final Path pins;
  private final Path trash;
  private final long maxBytes;
  private final Duration keepRecent;
  private final ConcurrentMap<DiffId, ReentrantLock> keyLocks = new ConcurrentHashMap<>();

  private RootfsCache(Path root, long maxBytes, Duration keepRecent, Budget budget) {
    this.root = root;
    this.budget = budget == null ? this::evictOverBudget : budget;
    this.layers = root.resolve("layers");
    this.staging = root.resolve("staging");
    this.locks = root.resolve("locks");
    this.used = root.resolve("used");
    this.pins = root.resolve("pins");
    this.trash = root.resolve("trash");
    this.maxBytes = maxBytes;
    this.keepRecent = keepRecent;
  }

  /** Opens the cache at {@code cacheRoot} with no size budget (nothing is evicted). */
  public static RootfsCache open(Path cacheRoot) {
    return open(cacheRoot, Long.MAX_VALUE, DEFAULT_KEEP_RECENT);
  }

  /**
   * Opens (creating if needed) the cache at {@code cacheRoot}, sweeps stale staging and trash dirs.
   *
   * @param maxBytes the size budget of the unpacked layers
   * @param keepRecent layers used this recently are never evicted
   */
  public static RootfsCache open(Path cacheRoot, long maxBytes, Duration keepRecent) {
    return open(cacheRoot, maxBytes, keepRecent, null);
  }

  /** What runs after an unpack published a layer: the eviction of the budget that covers it. */
  interface Budget {
    void published(DiffId layer) throws IOException;
  }

  /** Opens the cache as part of a {@link LocalCache}, whose one budget decides its evictions. */
  static RootfsCache open(Path cacheRoot, Duration keepRecent, Budget budget) {
    return open(cacheRoot, Long.MAX_VALUE, keepRecent, budget);
  }

  private static RootfsCache open(Path cacheRoot, long maxBytes, Duration keepRecent, Budget budget) {
    if (maxBytes < 0 || keepRecent.isNegative()) {
      throw new IllegalArgumentException("negative rootfs cache budget");
    }
    RootfsCache cache = new RootfsCache(cacheRoot.toAbsolutePath().normalize(), maxBytes, keepRecent, budget);
    try {
      for (Path dir : List.of(cache.layers, cache.staging, cache.locks, cache.used, cache.pins, cache.trash)) {
        Files.createDirectories(dir);
      }
      cache.sweepStaging();
      cache.emptyTrash();
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
      LayerPins.touchQuietly(used.resolve(diffId.hex()));
      return existing.get();
    }
    ReentrantLock lock = keyLocks.computeIfAbsent(diffId, k -> new ReentrantLock());
    lock.lock();
    try (FileChannel channel = openLockFile(diffId);
        FileLock fileLock = channel.lock()) {
      Optional<Path> unpackedMeanwhile = find(diffId);
      if (unpackedMeanwhile.isPresent()) {
        LayerPins.touchQuietly(used.resolve(diffId.hex()));
        return unpackedMeanwhile.get();
      }
      Path dir = unpack(diffId, unpacker);
      try {
        budget.published(diffId);
      } catch (IOException | UncheckedIOException e) {
        // The layer is published and fine; a failed eviction only leaves the cache over budget.
        log.warn("cannot evict from the rootfs cache: {}", e.getMessage());
      }
      return dir;
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
      Files.writeString(used.resolve(diffId.hex()), Long.toString(sizeOf(tmp)));
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

  /** The eviction of this cache's own budget, when it is not part of a {@link LocalCache}. */
  private void evictOverBudget(DiffId keep) throws IOException {
    if (maxBytes == Long.MAX_VALUE) {
      return;
    }
    Eviction.Outcome outcome = Eviction.run(root.resolve("evict.lock"), () -> new Eviction.Census(candidates(), 0),
        maxBytes, spareUsedAfter(), entryName(keep.hex()));
    if (outcome.totalBytes() > maxBytes) {
      log.info("rootfs cache holds {} bytes, over its budget of {}: the rest is in use", outcome.totalBytes(),
          maxBytes);
    }
  }

  /** Layers used after this instant (epoch millis) are spared by eviction. */
  long spareUsedAfter() {
    return System.currentTimeMillis() - keepRecent.toMillis();
  }

  /** How eviction names a layer. */
  static String entryName(String hex) {
    return "layer sha256:" + hex;
  }

  /** Every complete layer as an eviction candidate, with its size and last use. */
  List<Eviction.Candidate> candidates() throws IOException {
    List<Eviction.Candidate> entries = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layers)) {
      for (Path dir : dirs) {
        String hex = dir.getFileName().toString();
        Path marker = used.resolve(hex);
        try {
          long bytes;
          try {
            bytes = Long.parseLong(Files.readString(marker).trim());
          } catch (NoSuchFileException | NumberFormatException noMarker) {
            // A layer of a cache from before eviction: measure it once; it counts as just used.
            bytes = sizeOf(dir);
            Files.writeString(marker, Long.toString(bytes));
          }
          entries.add(new Eviction.Candidate(entryName(hex), bytes, Files.getLastModifiedTime(marker).toMillis(),
              () -> evict(hex)));
        } catch (NoSuchFileException evictedMeanwhile) {
          // another process evicted it while we listed
        }
      }
    }
    return entries;
  }

  /** Moves {@code layers/<hex>} into the trash and deletes it, if no live step pins it. */
  private boolean evict(String hex) throws IOException {
    Path dir = layers.resolve(hex);
    Path doomed = trash.resolve(hex + "." + UUID.randomUUID());
    boolean moved = LayerPins.tryExclusive(pins.resolve(hex + ".lock"), () -> {
      try {
        Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
      } catch (NoSuchFileException goneAlready) {
        return;
      }
      Files.deleteIfExists(used.resolve(hex));
    });
    if (moved && Files.exists(doomed, LinkOption.NOFOLLOW_LINKS)) {
      log.info("evicted least recently used layer sha256:{}", hex);
      FileTrees.deleteRecursively(doomed);
    }
    return moved;
  }

  private void emptyTrash() throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(trash)) {
      for (Path entry : entries) {
        FileTrees.deleteRecursively(entry);
      }
    }
  }

  /** The bytes a directory tree takes: file sizes plus one block per entry for metadata. */
  static long sizeOf(Path dir) throws IOException {
    long[] total = {0};
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        total[0] += attrs.size() + 512;
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
        total[0] += 512;
        return FileVisitResult.CONTINUE;
      }
    });
    return total[0];
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
