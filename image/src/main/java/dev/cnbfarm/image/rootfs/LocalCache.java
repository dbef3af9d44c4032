package dev.cnbfarm.image.rootfs;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of a process's local state under the cache dir ({@value #DIR_ENV}), opened once
 * per process at its composition root and closed when it ends:
 *
 * <ul>
 *   <li>{@code rootfs/} – the {@link RootfsCache} (unpacked layers; pinned by live steps);
 *   <li>{@code scratch/} – the {@link ScratchSpace} (step dirs, each owned by a live lock);
 *   <li>{@code blobs/<uuid>/} – this process's layer blobs ({@link #blobs()}), a live entry owned by
 *       an exclusive lock on {@code blobs/<uuid>.lock} from {@link #open} to {@link #close()};
 *   <li>{@code downloads/} – layer blobs being pulled, each locked while pulled and unpacked;
 *   <li>{@code layer-cache/} – the local extension layer cache ({@code blobs/<hex>.tar.gz} and an
 *       index), when no shared repository holds it.
 * </ul>
 *
 * <p>Several processes may share one cache dir (two extenders, a {@code cnbfarm run} during an
 * extend): each entry in use is held by a file lock of its live process, which the kernel drops
 * when the process dies. Opening sweeps the entries whose lock is free (dead processes' step
 * dirs, blob dirs, half-unpacked layers, trash) and never one that is held.
 *
 * <p><b>One budget</b> ({@value #MAX_BYTES_ENV}, default {@value #DEFAULT_MAX}) covers the
 * unpacked layers, the blob dirs, the downloads and the layer cache's blobs. After an unpack, and
 * on {@link CachePrune}, the least recently used unpacked layers and layer-cache blobs are evicted
 * until the total fits. Never evicted: a layer stacked by a live step (its pin), a layer used in
 * the last {@code keepRecent} (the gaps where a job holds layer dirs without a mount), a
 * layer-cache blob linked into a live process's blob dir (it is in use), a live process's blob dir
 * and a download in progress (those two count towards the budget but belong to their process).
 * Step scratch is not counted: it lives only as long as its step.
 *
 * <p>Thread-safe. One instance per cache dir per process: the layer pins and eviction are
 * JVM-wide, the rest is per instance.
 */
public final class LocalCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalCache.class);

  /** The cache dir setting; default {@code ${XDG_CACHE_HOME:-$HOME/.cache}/cnbfarm}. */
  public static final String DIR_ENV = "CNBFARM_CACHE_DIR";

  /** The budget setting: bytes, or a number with {@code k}, {@code m} or {@code g}. */
  public static final String MAX_BYTES_ENV = "CNBFARM_CACHE_MAX";

  /** The default budget, as {@link #MAX_BYTES_ENV} would spell it. */
  public static final String DEFAULT_MAX = "20g";


  private final Path root;
  private final long maxBytes;
  private final RootfsCache rootfs;
  private final ScratchSpace scratch;
  private final Path blobs;
  private final StepLock blobsLock;

  private LocalCache(Path root, long maxBytes, Duration keepRecent, StepLock blobsLock, Path blobs) {
    this.root = root;
    this.maxBytes = maxBytes;
    this.blobsLock = blobsLock;
    this.blobs = blobs;
    this.rootfs = RootfsCache.open(root.resolve("rootfs"), keepRecent, this::evictAfterUnpack);
    this.scratch = ScratchSpace.open(root.resolve("scratch"));
  }

  /** Opens the cache dir that {@code env} names, with the budget it sets. */
  public static LocalCache open(Map<String, String> env) {
    return open(dir(env), env);
  }

  /** Opens {@code root} with the budget {@value #MAX_BYTES_ENV} in {@code env} sets. */
  public static LocalCache open(Path root, Map<String, String> env) {
    return open(root, maxBytes(env), RootfsCache.DEFAULT_KEEP_RECENT);
  }

  /**
   * Opens (creating) the cache dir, sweeps what dead processes left and takes this process's blob
   * dir.
   *
   * @param maxBytes the one budget of unpacked layers and blobs
   * @param keepRecent layers and layer-cache blobs used this recently are never evicted
   */
  public static LocalCache open(Path root, long maxBytes, Duration keepRecent) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("negative cache budget");
    }
    Path abs = root.toAbsolutePath().normalize();
    Path blobRoot = abs.resolve("blobs");
    StepLock lock = null;
    try {
      for (String dir : List.of("blobs", "downloads", "layer-cache")) {
        Files.createDirectories(abs.resolve(dir));
      }
      LiveDirs.sweep(blobRoot);
      Downloads.sweep(abs.resolve("downloads"));
      Path mine;
      for (int attempt = 1; ; attempt++) {
        mine = blobRoot.resolve(UUID.randomUUID().toString());
        try {
          lock = StepLock.take(LiveDirs.lockFileOf(mine));
          break;
        } catch (UncheckedIOException lostARaceWithASweep) {
          if (attempt == 3) {
            throw lostARaceWithASweep;
          }
        }
      }
      Files.createDirectory(mine);
      return new LocalCache(abs, maxBytes, keepRecent, lock, mine);
    } catch (IOException | RuntimeException e) {
      if (lock != null) {
        lock.close();
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot open the cache dir " + root + ": " + io.getMessage(), io);
      }
      throw (RuntimeException) e;
    }
  }

  /** The cache dir {@code env} names: {@value #DIR_ENV}, else the user's XDG cache dir. */
  public static Path dir(Map<String, String> env) {
    return Path.of(env.getOrDefault(DIR_ENV,
        env.getOrDefault("XDG_CACHE_HOME", env.getOrDefault("HOME", "/root") + "/.cache") + "/cnbfarm"));
  }

  /**
   * The budget {@value #MAX_BYTES_ENV} sets in {@code env} (default {@value #DEFAULT_MAX}).
   *
   * @throws IllegalArgumentException naming the setting if its value is not a size
   */
  public static long maxBytes(Map<String, String> env) {
    return size(MAX_BYTES_ENV, env.getOrDefault(MAX_BYTES_ENV, DEFAULT_MAX));
  }

  /**
   * Parses a size: bytes, or a number with {@code k}, {@code m} or {@code g}.
   *
   * @throws IllegalArgumentException naming {@code setting} if {@code text} is not one
   */
  public static long size(String setting, String text) {
    OptionalLong bytes = ByteSize.parse(text);
    if (bytes.isPresent()) {
      return bytes.getAsLong();
    }
    throw new IllegalArgumentException(setting + "='" + text + "' is "
        + (ByteSize.looksLikeSize(text) ? "too large" : "not a size (bytes, or a number with k, m or g)"));
  }

  public Path root() {
    return root;
  }

  /** The budget this cache was opened with. */
  public long maxBytes() {
    return maxBytes;
  }

  public RootfsCache rootfs() {
    return rootfs;
  }

  public ScratchSpace scratch() {
    return scratch;
  }

  /** This process's blob dir: live until {@link #close()}, never touched by another process. */
  public Path blobs() {
    return blobs;
  }

  /** Where layer blobs are pulled to while they are unpacked. */
  public Path downloads() {
    return root.resolve("downloads");
  }

  /** The local extension layer cache's dir. */
  public Path layerCache() {
    return root.resolve("layer-cache");
  }

  private void evictAfterUnpack(DiffId published) throws IOException {
    if (maxBytes == Long.MAX_VALUE) {
      return;
    }
    Eviction.Outcome outcome = evict(maxBytes, rootfs.spareUsedAfter(), RootfsCache.entryName(published.hex()));
    if (outcome.totalBytes() > maxBytes) {
      log.info("the cache holds {} bytes, over its budget of {}: the rest is in use", outcome.totalBytes(), maxBytes);
    }
  }

  /** Evicts least recently used entries until the total fits {@code budget}. */
  Eviction.Outcome evict(long budget, long spareUsedAfterMillis, String spare) throws IOException {
    return Eviction.run(root.resolve("evict.lock"), this::census, budget, spareUsedAfterMillis, spare);
  }

  /** Whether a process other than this one holds a blob dir here, i.e. uses the cache now. */
  boolean othersLive() throws IOException {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root.resolve("blobs"))) {
      for (Path dir : dirs) {
        if (!dir.equals(blobs) && Files.isDirectory(dir) && LiveDirs.isLive(dir)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The cache as eviction sees it: unpacked layers and layer-cache blobs are candidates; blob dirs
   * and downloads are fixed. Hard links count once: a layer-cache blob linked into a blob dir is in
   * use, counted with that dir and not a candidate.
   */
  private Eviction.Census census() throws IOException {
    Set<Object> held = new HashSet<>();
    long fixed = bytesOf(root.resolve("blobs"), held) + bytesOf(downloads(), held);
    List<Eviction.Candidate> candidates = new ArrayList<>(rootfs.candidates());
    Path cached = layerCache().resolve("blobs");
    if (Files.isDirectory(cached)) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(cached, "*.tar.gz")) {
        for (Path file : files) {
          try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            if (attrs.fileKey() != null && held.contains(attrs.fileKey())) {
              continue;
            }
            candidates.add(new Eviction.Candidate("layer cache blob " + file.getFileName(), attrs.size(),
                attrs.lastModifiedTime().toMillis(), () -> evictBlob(file)));
          } catch (NoSuchFileException goneMeanwhile) {
            // deleted while we listed
          }
        }
      }
    }
    return new Eviction.Census(candidates, fixed);
  }

  private static boolean evictBlob(Path file) throws IOException {
    boolean deleted = Files.deleteIfExists(file);
    if (deleted) {
      log.info("evicted least recently used layer cache blob {}", file.getFileName());
    }
    return deleted;
  }

  /** The file bytes under {@code dir}, each inode once (recording it in {@code seen}). */
  private static long bytesOf(Path dir, Set<Object> seen) throws IOException {
    long[] total = {0};
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.fileKey() == null || seen.add(attrs.fileKey())) {
          total[0] += attrs.size();
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        return FileVisitResult.CONTINUE; // deleted while we walked: a finished download, a closed blob dir
      }
    });
    return total[0];
  }

  /** Deletes this process's blob dir and releases it. The other entries stay for the next process. */
  @Override
  public void close() {
    try {
      FileTrees.deleteRecursively(blobs);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the blob dir " + blobs + ": " + e.getMessage(), e);
    } finally {
      blobsLock.close();
    }
  }
}
