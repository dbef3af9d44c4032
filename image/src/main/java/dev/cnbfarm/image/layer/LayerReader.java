package dev.cnbfarm.image.layer;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks a layer ({@code .tar.gz} or plain tar, detected from the bytes) into a directory,
 * refusing any entry that would land outside it ({@link LayerEscapeException}). Modes, uid/gid,
 * mtimes, symlinks, hardlinks and devices are kept. OCI whiteouts either become their overlayfs
 * form ({@link WhiteoutMode#OVERLAY}: a layer directory for an overlay mount) or are carried out
 * ({@link WhiteoutMode#APPLY}: flattening layers into one tree). Needs root for chown and mknod.
 * Immutable and thread-safe; concurrent unpacks must target different roots.
 */
public final class LayerReader {
  /** What to do with {@code .wh.} entries. */
  public enum WhiteoutMode {
    /** {@code .wh.x} → a 0:0 char device {@code x}; {@code .wh..wh..opq} → opaque xattr. */
    OVERLAY,
    /** {@code .wh.x} → delete {@code x}; {@code .wh..wh..opq} → delete older siblings. */
    APPLY
  }

  private final WhiteoutMode mode;

  private LayerReader(WhiteoutMode mode) {
    this.mode = mode;
  }

  public static LayerReader of(WhiteoutMode mode) {
    return new LayerReader(mode);
  }

  /** Unpacks {@code layer} into {@code root}, which is created if missing. */
  public void unpack(Path layer, Path root) {
    try (InputStream in = Files.newInputStream(layer)) {
      unpack(in, root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack " + layer + " into " + root, e);
    }
  }

  /** Unpacks a layer stream into {@code root}; the stream is read to the end of the archive. */
  public void unpack(InputStream layer, Path root) {
    try {
      Files.createDirectories(root);
      InputStream in = new BufferedInputStream(layer, 1 << 16);
      in.mark(2);
      boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
      in.reset();
      InputStream tarBytes = gzip ? new GZIPInputStream(in, 1 << 16) : in;
      TarArchiveInputStream tar = new TarArchiveInputStream(tarBytes, "UTF-8");
      Unpacking unpacking = new Unpacking(root.toRealPath(), tar);
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        unpacking.entry(e);
      }
      unpacking.finishDirectories();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack layer into " + root, e);
    }
  }

  /** State of one unpack. */
  private final class Unpacking {
    private final Path root;
    private final RootedPaths paths;
    private final InputStream content;
    private final Set<Path> written = new HashSet<>();
    private final List<Path> directories = new ArrayList<>();
    private final List<FileTime> directoryTimes = new ArrayList<>();

    Unpacking(Path root, InputStream content) {
      this.root = root;
      this.paths = new RootedPaths(root);
      this.content = content;
    }

    void entry(TarArchiveEntry e) throws IOException {
      String raw = e.getName();
      String name = RootedPaths.validate(raw);
      if (name.isEmpty()) {
        return;
      }
      String base = EntryPaths.name(name);
      if (base.equals(Whiteouts.OPAQUE)) {
        opaque(raw, paths.directory(raw, EntryPaths.parent(name), true));
      } else if (base.startsWith(Whiteouts.PREFIX)) {
        String hidden = EntryPaths.join(EntryPaths.parent(name), base.substring(Whiteouts.PREFIX.length()));
        whiteout(paths.entry(raw, hidden, true));
      } else {
        Path target = paths.entry(raw, name, true);
        write(e, raw, target);
        written.add(target);
      }
    }

    private void write(TarArchiveEntry e, String raw, Path target) throws IOException {
      boolean existingDir = Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
      if (e.isDirectory()) {
        if (!existingDir) {
          FileTrees.deleteRecursively(target);
          Files.createDirectory(target);
        }
        FileNodes.setOwnerAndMode(target, (int) e.getLongUserId(), (int) e.getLongGroupId(), e.getMode());
        directories.add(target);
        directoryTimes.add(e.getLastModifiedTime());
        return;
      }
      FileTrees.deleteRecursively(target);
      if (e.isSymbolicLink()) {
        Files.createSymbolicLink(target, Path.of(e.getLinkName()));
        FileNodes.setOwner(target, (int) e.getLongUserId(), (int) e.getLongGroupId());
      } else if (e.isLink()) {
        String linked = RootedPaths.validate(e.getLinkName());
        Path source = paths.entry(raw, linked, false);
        if (linked.isEmpty() || !Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
          throw new IOException("hardlink '" + raw + "' to missing file '" + e.getLinkName() + "'");
        }
        Files.createLink(target, source);
        return;
      } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
        char type = e.isCharacterDevice() ? 'c' : e.isBlockDevice() ? 'b' : 'p';
        FileNodes.mknod(target, type, e.getDevMajor(), e.getDevMinor());
        FileNodes.setOwnerAndMode(target, (int) e.getLongUserId(), (int) e.getLongGroupId(), e.getMode());
      } else {
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          content.transferTo(out);
        }
        FileNodes.setOwnerAndMode(target, (int) e.getLongUserId(), (int) e.getLongGroupId(), e.getMode());
      }
      FileNodes.setMtime(target, e.getLastModifiedTime());
    }

    private void whiteout(Path hidden) throws IOException {
      FileTrees.deleteRecursively(hidden);
      if (mode == WhiteoutMode.OVERLAY) {
        FileNodes.mknod(hidden, 'c', 0, 0);
      }
    }

    private void opaque(String raw, Path dir) throws IOException {
      if (mode == WhiteoutMode.OVERLAY) {
        FileNodes.setOpaque(dir);
        return;
      }
      List<Path> older = new ArrayList<>();
      try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
        for (Path child : children) {
          if (!written.contains(child)) {
            older.add(child);
          }
        }
      }
      for (Path child : older) {
        if (!isAncestorOfWritten(child)) {
          FileTrees.deleteRecursively(child);
        }
      }
    }

    private boolean isAncestorOfWritten(Path dir) {
      return written.stream().anyMatch(p -> p.startsWith(dir) && !p.equals(dir));
    }

    /** Directory mtimes last: writing their children changed them. */
    void finishDirectories() throws IOException {
      for (int i = directories.size() - 1; i >= 0; i--) {
        FileNodes.setMtime(directories.get(i), directoryTimes.get(i));
      }
    }
  }
}
