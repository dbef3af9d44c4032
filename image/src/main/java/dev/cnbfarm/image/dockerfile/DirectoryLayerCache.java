package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * A {@link LayerCache} in a directory: content-addressed blobs ({@code blobs/<hex>.tar.gz}) plus an
 * index ({@code index/<key>.properties}: digest, diffID, size, created). Entries older than the TTL
 * (the extender's {@code -kaniko-cache-ttl}, decisions.md #16) are misses and are deleted. Writes
 * are atomic (a hard link to the finished blob, or temp file + rename), so concurrent workers on one directory never see half an entry.
 * Thread-safe.
 */
public final class DirectoryLayerCache implements LayerCache {
  private final Path root;
  private final Duration ttl;
  private final Clock clock;

  public DirectoryLayerCache(Path root, Duration ttl, Clock clock) {
    this.root = root;
    this.ttl = ttl;
    this.clock = clock;
  }

  @Override
  public Optional<LayerBlob> find(String key) {
    Path index = index(key);
    if (!Files.isRegularFile(index)) {
      return Optional.empty();
    }
    try {
      Properties p = new Properties();
      try (var in = Files.newBufferedReader(index, StandardCharsets.UTF_8)) {
        p.load(in);
      }
      Instant created = Instant.ofEpochMilli(Long.parseLong(p.getProperty("created")));
      Digest digest = Digest.parse(p.getProperty("digest"));
      Path blob = blob(digest);
      if (created.plus(ttl).isBefore(clock.instant()) || !Files.isRegularFile(blob)) {
        Files.deleteIfExists(index);
        return Optional.empty();
      }
      return Optional.of(new LayerBlob(blob, digest, Digest.parse(p.getProperty("diffId")),
          Long.parseLong(p.getProperty("size"))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public void store(String key, LayerBlob layer) {
    try {
      BlobLinks.linkOrCopy(layer.file(), blob(layer.digest()));
      Properties p = new Properties();
      p.setProperty("digest", layer.digest().toString());
      p.setProperty("diffId", layer.diffId().toString());
      p.setProperty("size", Long.toString(layer.size()));
      p.setProperty("created", Long.toString(clock.millis()));
      Path index = index(key);
      Files.createDirectories(index.getParent());
      Path tmp = Files.createTempFile(index.getParent(), ".index", ".tmp");
      try (var out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        p.store(out, "cnbfarm extension layer cache entry");
      }
      Files.move(tmp, index, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store a layer cache entry in " + root, e);
    }
  }

  private Path index(String key) {
    return root.resolve("index").resolve(key + ".properties");
  }

  private Path blob(Digest digest) {
    return root.resolve("blobs").resolve(digest.hex() + ".tar.gz");
  }
}
