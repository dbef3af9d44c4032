package dev.cnbfarm.image.cache;

import dev.cnbfarm.image.export.BuildpackLayerTree;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.lifecycle.cache.CacheMetadata;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The build cache as a directory, laid out as the reference's {@code cache.VolumeCache}, so either
 * lifecycle can use the other's: {@code <dir>/committed/} holds the last generation ({@code
 * <diffID>.tar}, plain tars, and the metadata file {@code io.buildpacks.lifecycle.cache.metadata}),
 * {@code <dir>/staging/} the next one while the exporter writes it; {@link #commit} swaps them
 * through {@code committed-backup}. A reused layer is hard-linked from committed into staging.
 * Not thread-safe; one phase run.
 */
public final class VolumeCache implements BuildCache {
  private final Path dir;
  private final Path committed;
  private final Path staging;
  private final Path backup;
  private final LayerWriter writer = LayerWriter.of().ignoring(path -> false);
  private boolean done;

  private VolumeCache(Path dir) {
    this.dir = dir;
    this.committed = dir.resolve("committed");
    this.staging = dir.resolve("staging");
    this.backup = dir.resolve("committed-backup");
  }

  /**
   * Opens the cache in {@code dir}, which must exist (as the reference: a missing cache volume is
   * an error, exit 42 for the restorer, 62 for the exporter); clears a stale staging dir and backup.
   */
  public static VolumeCache open(Path dir, FailureCode code) {
    if (!Files.isDirectory(dir)) {
      throw new LifecycleException(code, "cache dir " + dir + " does not exist");
    }
    VolumeCache cache = new VolumeCache(dir.toAbsolutePath().normalize());
    try {
      FileTrees.deleteRecursively(cache.staging);
      Files.createDirectories(cache.staging);
      FileTrees.deleteRecursively(cache.backup);
      Files.createDirectories(cache.committed);
    } catch (IOException e) {
      throw new LifecycleException(code, "cannot initialise cache dir " + dir + ": " + e.getMessage(), e);
    }
    return cache;
  }

  @Override
  public String name() {
    return dir.toString();
  }

  @Override
  public boolean exists() {
    return Files.isDirectory(committed);
  }

  @Override
  public CacheMetadata metadata() {
    Path file = committed.resolve(CacheMetadata.LABEL);
    try {
      return CacheMetadata.parseOrEmpty(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return CacheMetadata.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  @Override
  public void restore(Digest diffId, Path layersDir, String escapedId, String name) {
    Path tar = layerFile(committed, diffId);
    InputStream in;
    try {
      in = Files.newInputStream(tar);
    } catch (NoSuchFileException e) {
      throw new CacheReadException("failed to find cache layer with SHA '" + diffId + "'");
    } catch (IOException e) {
      throw new CacheReadException("failed to read cache layer with SHA '" + diffId + "': " + e.getMessage(), e);
    }
    LayerRestore.restore(in, diffId, layersDir, escapedId, name);
  }

  @Override
  public CachePut put(CacheLayer layer, Optional<Digest> previous) {
    requireOpen();
    Optional<String> warning = Optional.empty();
    // the app image export tarred this very layer, or the restorer unpacked it and it has not
    // changed since: its diffID is known without a second tar
    Optional<Digest> known = layer.knownDiffId();
    if (known.isPresent() && known.equals(previous)) {
      // the restorer of this build hashed that very file as it unpacked it: no second read
      warning = reuse(known.get(), layer.restored().equals(known));
      if (warning.isEmpty()) {
        return new CachePut(known.get(), true, Optional.empty(), Optional.empty());
      }
    }
    Path temp = staging.resolve(".adding-" + layer.escapedId() + "-" + layer.name() + ".tar");
    LayerBlob tar = writer.writeEntriesAsTar(
        BuildpackLayerTree.entries(layer.escapedId(), layer.name(), layer.dir(), layer.uid(), layer.gid()), temp);
    try {
      if (previous.equals(Optional.of(tar.diffId())) && warning.isEmpty()) {
        warning = reuse(tar.diffId(), false);
        if (warning.isEmpty()) {
          Files.deleteIfExists(temp);
          return new CachePut(tar.diffId(), true, Optional.empty(), Optional.empty());
        }
      }
      Path target = layerFile(staging, tar.diffId());
      if (Files.exists(target)) {
        Files.delete(temp);
      } else {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot add cache layer " + layer.id() + " to " + staging, e);
    }
    return new CachePut(tar.diffId(), false, Optional.empty(), warning);
  }

  /**
   * Links the committed copy into staging, after checking its contents unless {@code verified} (the
   * restorer checked them this build); empty on success, else why not.
   */
  private Optional<String> reuse(Digest diffId, boolean verified) {
    Path from = layerFile(committed, diffId);
    if (!Files.isRegularFile(from)) {
      return Optional.of("failed to find cache layer with SHA '" + diffId + "'");
    }
    try {
      Digest found = verified ? diffId : hash(from);
      if (!found.equals(diffId)) {
        return Optional.of("expected layer contents to have SHA '" + diffId + "'; found '" + found + "'");
      }
      Files.createLink(layerFile(staging, diffId), from);
    } catch (FileAlreadyExistsException e) {
      // another layer of this generation reused it already
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reuse cache layer " + diffId + " of " + committed, e);
    }
    return Optional.empty();
  }

  private static Digest hash(Path file) throws IOException {
    MessageDigest sha = Digest.sha256();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        sha.update(buf, 0, n);
      }
    }
    return Digest.ofHash(sha.digest());
  }

  @Override
  public void commit(CacheMetadata metadata) {
    requireOpen();
    done = true;
    try {
      Files.writeString(staging.resolve(CacheMetadata.LABEL), metadata.toJson() + "\n", StandardCharsets.UTF_8);
      Files.move(committed, backup, StandardCopyOption.ATOMIC_MOVE);
      try {
        Files.move(staging, committed, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        Files.move(backup, committed, StandardCopyOption.ATOMIC_MOVE);
        throw e;
      }
      FileTrees.deleteRecursively(backup);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot commit cache " + dir, e);
    }
  }

  private void requireOpen() {
    if (done) {
      throw new IllegalStateException("cache cannot be modified after commit");
    }
  }

  /** {@code <diffID>.tar}, the reference's name ({@code sha256:<hex>.tar}). */
  static Path layerFile(Path base, Digest diffId) {
    return base.resolve(diffId.value() + ".tar");
  }
}
