package dev.cnbfarm.image.cache;

import dev.cnbfarm.image.layer.LayerReader;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Unpacks one cached buildpack layer tar ({@code layers/<escaped-id>/<name>/...}) into {@code
 * <layers>}: into a scratch dir beside it first, hashing the tar as it goes, and only when the
 * hash is the diffID the layer dir is moved into place, and {@link RestoredLayers} records it. A
 * layer that does not match leaves nothing behind. Stateless.
 */
final class LayerRestore {
  private LayerRestore() {}

  /** Where a restored tar's bytes come from, asked whether it delivered them all right before the move. */
  interface Source {
    /** Throws when the bytes did not arrive as they should (the blob's own digest, a failed download). */
    void check() throws IOException;
  }

  /** Restores the tar (plain or gzipped) {@code in} holds; {@code in} is closed. */
  static void restore(InputStream in, Digest diffId, Path layersDir, String escapedId, String name) {
    restore(in, () -> {}, diffId, layersDir, escapedId, name);
  }

  /**
   * As {@link #restore(InputStream, Digest, Path, String, String)}, asking {@code source} before the
   * layer is moved into place.
   */
  static void restore(InputStream in, Source source, Digest diffId, Path layersDir, String escapedId, String name) {
    Path scratch;
    try {
      Files.createDirectories(layersDir);
      scratch = Files.createTempDirectory(layersDir, ".cnbfarm-restore-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a scratch dir in " + layersDir, e);
    }
    try (InputStream raw = new BufferedInputStream(in, 1 << 16)) {
      raw.mark(2);
      boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
      raw.reset();
      // hashed on another thread while this one unpacks; the tar reader reads through a buffer above it
      OffThreadDigest hashed = new OffThreadDigest(gzip ? new GZIPInputStream(raw, 1 << 16) : raw);
      InputStream tar = new BufferedInputStream(hashed, 1 << 17);
      try {
        LayerReader.of(LayerReader.WhiteoutMode.APPLY).unpack(tar, scratch);
        tar.transferTo(OutputStream.nullOutputStream());
        Digest found = hashed.digest();
        if (!found.equals(diffId)) {
          throw new CacheReadException("expected layer contents to have SHA '" + diffId + "'; found '" + found + "'");
        }
      } finally {
        hashed.close();
      }
      source.check();
      Path unpacked = scratch.resolve("layers").resolve(escapedId).resolve(name);
      if (!Files.isDirectory(unpacked, LinkOption.NOFOLLOW_LINKS)) {
        throw new CacheReadException("cache layer " + diffId + " holds no layers/" + escapedId + "/" + name);
      }
      RestoredLayers.Parent layers = RestoredLayers.parentOf(scratch.resolve("layers"));
      RestoredLayers.Parent buildpackDir = RestoredLayers.parentOf(unpacked.getParent());
      Path target = layersDir.resolve(escapedId).resolve(name);
      Files.createDirectories(target.getParent());
      FileTrees.deleteRecursively(target);
      Files.move(unpacked, target);
      RestoredLayers.record(layersDir, escapedId, name, diffId, layers, buildpackDir);
    } catch (IOException e) {
      throw new CacheReadException("cannot read cache layer " + diffId + ": " + e.getMessage(), e);
    } catch (CacheReadException e) {
      throw e;
    } catch (RuntimeException e) {
      // a corrupt tar (bad entry, truncated gzip) is a cache that cannot be used, not a crash
      throw new CacheReadException("cannot unpack cache layer " + diffId + ": " + e.getMessage(), e);
    } finally {
      FileTrees.deleteQuietly(scratch);
    }
  }
}
