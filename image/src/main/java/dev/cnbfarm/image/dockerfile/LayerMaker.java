package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.image.layer.IgnoredPaths;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerReader;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.rootfs.DiffId;
import dev.cnbfarm.image.rootfs.RootfsCache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns a step's change directory (an overlay upperdir, or a tree built for COPY) into a layer:
 * drops the paths that never enter a layer ({@code <app>}, {@code <layers>}, {@code <platform>},
 * {@code /var/run}...), writes the blob in one streaming pass, and hands the directory itself to
 * the rootfs cache as the layer's unpacked form — it already is in overlay form, so nothing is
 * unpacked or copied. Thread-safe.
 */
final class LayerMaker {
  private final RootfsCache rootfs;
  private final Path blobDir;
  private final LayerWriter writer;
  private final IgnoredPaths ignored;

  LayerMaker(RootfsCache rootfs, Path blobDir, IgnoredPaths ignored) {
    this.rootfs = rootfs;
    this.blobDir = blobDir;
    this.ignored = ignored;
    this.writer = LayerWriter.of().ignoring(ignored).withCompressionLevel(1);
  }

  /**
   * The layer of {@code changes} (possibly empty: a step that changed nothing still gets its layer,
   * so every step can be cached uniformly).
   */
  StateLayer make(Path changes, String createdBy) {
    try {
      dropIgnored(changes);
      Files.createDirectories(blobDir);
      Path target = Files.createTempFile(blobDir, "layer", ".tar.gz");
      LayerBlob blob = writer.writeTree(changes, target);
      Path named = blobDir.resolve(blob.digest().hex() + ".tar.gz");
      Files.move(target, named, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      LayerBlob placed = new LayerBlob(named, blob.digest(), blob.diffId(), blob.size());
      Path dir = rootfs.layerDir(DiffId.parse(blob.diffId().toString()), dest -> moveChildren(changes, dest));
      return new StateLayer(blob.diffId(), dir, Optional.of(placed), createdBy);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a layer of " + changes, e);
    }
  }

  /** A cached layer: its unpacked dir from the rootfs cache, unpacking the blob only on a miss. */
  StateLayer reuse(LayerBlob blob, String createdBy) {
    Path dir = rootfs.layerDir(DiffId.parse(blob.diffId().toString()),
        dest -> LayerReader.of(LayerReader.WhiteoutMode.OVERLAY).unpack(blob.file(), dest));
    return new StateLayer(blob.diffId(), dir, Optional.of(blob), createdBy);
  }

  private void dropIgnored(Path changes) throws IOException {
    for (String root : ignored.roots()) {
      Path p = changes.resolve(root.substring(1));
      if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        FileTrees.deleteRecursively(p);
      }
    }
  }

  private static void moveChildren(Path from, Path to) throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(from)) {
      for (Path child : s) {
        Files.move(child, to.resolve(child.getFileName().toString()));
      }
    }
  }

}
