package dev.cnbfarm.image.blob;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerReader;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.ImageStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Directory trees as blobs in the image store (design.md §2: events carry digests, the store holds
 * the bytes): the app source a build is submitted with, the {@code <generated>} tree detect leaves.
 * A tree is written as a reproducible gzip tar (sorted entries, normalised mtimes, owners and modes
 * kept, nothing ignored), so the same tree is the same digest and is uploaded once; it is read back
 * with the layer reader's checks (no entry escapes the target dir). Thread-safe.
 */
public final class TreeBlobs {
  private final ImageStore store;
  private final Path scratch;

  /** @param scratch where blob files are staged (deleted after each push or pull) */
  public TreeBlobs(ImageStore store, Path scratch) {
    this.store = store;
    this.scratch = scratch;
  }

  /** The tree's blob as written, and whether the store had it already. */
  public record Pushed(Digest digest, Digest diffId, long size, boolean existed) {}

  /** Writes the tree under {@code dir} and pushes it to {@code repository} unless it is there. */
  public Pushed push(ImageRef repository, Path dir) {
    Path file = tempFile();
    try {
      LayerBlob blob = LayerWriter.of().ignoring(path -> false).writeTree(dir, file);
      boolean existed = store.hasBlob(repository, blob.digest());
      if (!existed) {
        store.pushBlob(repository, blob);
      }
      return new Pushed(blob.digest(), blob.diffId(), blob.size(), existed);
    } finally {
      deleteQuietly(file);
    }
  }

  /** The diffID a tree would have as a blob (the digest of its tar), without pushing it. */
  public Digest diffIdOf(Path dir) {
    Path file = tempFile();
    try {
      return LayerWriter.of().ignoring(path -> false).writeTree(dir, file).diffId();
    } finally {
      deleteQuietly(file);
    }
  }

  /** Pulls blob {@code digest} of {@code repository} and unpacks it into {@code dir} (created if missing). */
  public void pull(ImageRef repository, Digest digest, Path dir) {
    Path file = tempFile();
    try {
      try (OutputStream out = Files.newOutputStream(file)) {
        store.pullBlob(repository, digest, out);
      }
      LayerReader.of(LayerReader.WhiteoutMode.APPLY).unpack(file, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage blob " + digest + " of " + repository + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(file);
    }
  }

  private Path tempFile() {
    try {
      Files.createDirectories(scratch);
      return Files.createTempFile(scratch, "tree-", ".tar.gz");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temp file in " + scratch + ": " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a staging file left behind is swept with its scratch dir
    }
  }
}
