package dev.cnbfarm.image.layer;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
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
 * refusing any entry that would land outside it ({@link LayerEscapeException}) and any it will not
 * create ({@link InvalidLayerEntryException}): device nodes (only the 0:0 whiteout device is ever
 * made), malformed whiteouts, entries past the {@link LayerLimits}. Modes, uid/gid, mtimes,
 * symlinks, hardlinks and FIFOs are kept; no special file is ever opened (a FIFO would block, a
 * device would be read as root). Sparse files keep their holes. OCI whiteouts either become their
 * overlayfs form ({@link WhiteoutMode#OVERLAY}: a layer directory for an overlay mount) or are
 * carried out ({@link WhiteoutMode#APPLY}: flattening layers into one tree). Needs root for chown
 * and mknod. Immutable and thread-safe; concurrent unpacks must target different roots.
 */
public final class LayerReader {
  /** What to do with {@code .wh.} entries. */
  public enum WhiteoutMode {
    /** {@code .wh.x} → a 0:0 char device {@code x}; {@code .wh..wh..opq} → opaque xattr. */
    OVERLAY,
    /** {@code .wh.x} → delete {@code x}; {@code .wh..wh..opq} → delete older siblings. */
    APPLY
  }

  private static final int CHUNK = 1 << 16;
  private final WhiteoutMode mode;
  private final LayerLimits limits;

  private LayerReader(WhiteoutMode mode, LayerLimits limits) {
    this.mode = mode;
    this.limits = limits;
  }

  /** A reader with the limits of {@code CNBFARM_LAYER_MAX_BYTES}/{@code _ENTRIES} (or their defaults). */
  public static LayerReader of(WhiteoutMode mode) {
    return new LayerReader(mode, LayerLimits.current());
  }

  /** This reader's budgets. */
  public LayerLimits limits() {
    return limits;
  }

  public LayerReader withLimits(LayerLimits newLimits) {
    return new LayerReader(mode, newLimits);
  }

  /** Unpacks {@code layer} into {@code root}, which is created if missing. */
  public void unpack(Path layer, Path root) {
    try (InputStream in = Files.newInputStream(layer)) {
      unpack(in, root);
    } catch (IOException e) {
      throw new UncheckedIOException(describe(e), e);
    }
  }

  /**
   * Unpacks a layer stream into {@code root}; the stream is read to the end of the archive.
   *
   * @throws InvalidLayerEntryException for an entry this reader refuses
   * @throws UncheckedIOException for an I/O failure, its message {@code <entry>: <cause>}
   */
  public void unpack(InputStream layer, Path root) {
    String current = "(archive start)";
    try {
      Files.createDirectories(root);
      InputStream in = new BufferedInputStream(layer, CHUNK);
      in.mark(2);
      boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
      in.reset();
      InputStream tarBytes = gzip ? new GZIPInputStream(in, CHUNK) : in;
      TarArchiveInputStream tar = new TarArchiveInputStream(tarBytes, "UTF-8");
      try (Unpacking unpacking = new Unpacking(root.toRealPath(), tar)) {
        for (TarArchiveEntry e = next(tar, current); e != null; e = next(tar, current)) {
          current = "'" + e.getName() + "'";
          unpacking.entry(e);
        }
        unpacking.finishDirectories();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(current + ": " + describe(e), e);
    }
  }

  private static TarArchiveEntry next(TarArchiveInputStream tar, String previous) {
    try {
      return tar.getNextEntry();
    } catch (IOException | RuntimeException e) {
      throw new InvalidLayerEntryException("(header after " + previous + ")",
          "unreadable tar header: " + (e.getMessage() == null ? "truncated or corrupt" : e.getMessage()));
    }
  }

  /** The cause of an I/O failure in words (the JDK's own messages are often just a path). */
  static String describe(IOException e) {
    if (e instanceof FileSystemException fs) {
      String reason = fs.getReason();
      String what = e instanceof java.nio.file.NoSuchFileException ? "no such file"
          : e instanceof java.nio.file.FileAlreadyExistsException ? "already exists"
          : e instanceof java.nio.file.DirectoryNotEmptyException ? "directory not empty"
          : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
          : "file system error";
      return (fs.getFile() == null ? "" : fs.getFile() + ": ") + (reason == null ? what : reason);
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? "I/O error" : message;
  }

  /** State of one unpack. */
  private final class Unpacking implements AutoCloseable {
    private final Path root;
    private final RootedPaths paths;
    private final InputStream content;
    private final WhiteoutNodes whiteouts;
    private final Set<Path> written = new HashSet<>();
    private final List<Path> directories = new ArrayList<>();
    private final List<FileTime> directoryTimes = new ArrayList<>();
    private long entries;
    private long bytes;

    Unpacking(Path root, InputStream content) {
      this.root = root;
      this.paths = new RootedPaths(root);
      this.content = content;
      this.whiteouts = new WhiteoutNodes(root);
    }

    void entry(TarArchiveEntry e) throws IOException {
      String raw = e.getName();
      count(e, raw);
      String name = RootedPaths.validate(raw);
      if (name.isEmpty()) {
        return;
      }
      String base = EntryPaths.name(name);
      if (base.equals(Whiteouts.OPAQUE)) {
        opaque(raw, paths.directory(raw, EntryPaths.parent(name), true));
      } else if (base.startsWith(Whiteouts.PREFIX)) {
        String hiddenName = base.substring(Whiteouts.PREFIX.length());
        if (hiddenName.isEmpty() || hiddenName.equals(".") || hiddenName.equals("..")
            || hiddenName.startsWith(Whiteouts.PREFIX)) {
          throw new InvalidLayerEntryException(raw, "malformed whiteout (it names no entry of its directory)");
        }
        Path hidden = paths.entry(raw, EntryPaths.join(EntryPaths.parent(name), hiddenName), true);
        if (!hidden.getParent().startsWith(root) || hidden.equals(root)) {
          throw new LayerEscapeException(raw, "whiteout outside the root");
        }
        whiteout(hidden);
      } else {
        Path target = paths.entry(raw, name, true);
        write(e, raw, target);
        written.add(target);
      }
    }

    /** Enforces the budgets before anything of the entry is written. */
    private void count(TarArchiveEntry e, String raw) {
      if (++entries > limits.maxEntries()) {
        throw new InvalidLayerEntryException(raw, "the layer has more than " + limits.maxEntries()
            + " entries (" + LayerLimits.MAX_ENTRIES_ENV + ")");
      }
      long size = e.isSparse() ? Math.max(e.getRealSize(), e.getSize()) : e.getSize();
      bytes += Math.max(0, size);
      if (size < 0 || bytes > limits.maxBytes()) {
        throw new InvalidLayerEntryException(raw, (e.isSparse() ? "sparse file of " : "file of ") + size
            + " bytes takes the layer over its " + limits.maxBytes() + " bytes (" + LayerLimits.MAX_BYTES_ENV + ")");
      }
    }

    private void write(TarArchiveEntry e, String raw, Path target) throws IOException {
      boolean existingDir = Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
      int uid = (int) e.getLongUserId();
      int gid = (int) e.getLongGroupId();
      if (e.isDirectory()) {
        if (!existingDir) {
          FileTrees.deleteRecursively(target);
          Files.createDirectory(target);
        }
        FileNodes.setOwnerAndMode(target, uid, gid, e.getMode());
        directories.add(target);
        directoryTimes.add(e.getLastModifiedTime());
        return;
      }
      if (e.isCharacterDevice() || e.isBlockDevice()) {
        if (!e.isCharacterDevice() || e.getDevMajor() != 0 || e.getDevMinor() != 0) {
          throw new InvalidLayerEntryException(raw, (e.isCharacterDevice() ? "character" : "block") + " device "
              + e.getDevMajor() + ":" + e.getDevMinor() + " (device nodes are not allowed in layers)");
        }
      }
      FileTrees.deleteRecursively(target);
      if (e.isSymbolicLink()) {
        Files.createSymbolicLink(target, Path.of(e.getLinkName()));
        FileNodes.setOwner(target, uid, gid);
      } else if (e.isLink()) {
        String linked = RootedPaths.validate(e.getLinkName());
        Path source = paths.entry(raw, linked, false);
        if (linked.isEmpty() || !Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
          throw new InvalidLayerEntryException(raw, "hardlink to missing file '" + e.getLinkName() + "'");
        }
        if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
          throw new InvalidLayerEntryException(raw, "hardlink to '" + e.getLinkName() + "', which is "
              + (Files.isSymbolicLink(source) ? "a symlink" : "not a regular file"));
        }
        Files.createLink(target, source);
        return;
      } else if (e.isCharacterDevice()) {
        whiteouts.create(target);
        FileNodes.setOwnerAndModeOfNode(target, uid, gid, e.getMode());
        return;
      } else if (e.isFIFO()) {
        FileNodes.mknod(target, 'p', 0, 0);
        // chmod by path: the JDK's no-follow chmod and utimes open the node, and open(2) of a
        // FIFO blocks until a writer comes. The FIFO keeps the time it was made.
        FileNodes.setOwnerAndModeOfNode(target, uid, gid, e.getMode());
        return;
      } else {
        writeContent(e, target);
        FileNodes.setOwnerAndMode(target, uid, gid, e.getMode());
      }
      FileNodes.setMtime(target, e.getLastModifiedTime());
    }

    /** Copies the entry's bytes; all-zero chunks of a sparse file become holes again. */
    private void writeContent(TarArchiveEntry e, Path target) throws IOException {
      boolean sparse = e.isSparse();
      try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS)) {
        byte[] buf = new byte[CHUNK];
        long position = 0;
        for (int n; (n = content.readNBytes(buf, 0, CHUNK)) > 0; ) {
          if (!sparse || !allZero(buf, n)) {
            ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
            while (b.hasRemaining()) {
              out.write(b, position + b.position());
            }
          }
          position += n;
        }
        if (sparse && out.size() < position) {
          out.write(ByteBuffer.wrap(new byte[1]), position - 1);
        }
      }
    }

    private void whiteout(Path hidden) throws IOException {
      FileTrees.deleteRecursively(hidden);
      if (mode == WhiteoutMode.OVERLAY) {
        whiteouts.create(hidden);
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
          if (!written.contains(child) && !whiteouts.isTemplate(child)) {
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
      whiteouts.close();
      for (int i = directories.size() - 1; i >= 0; i--) {
        FileNodes.setMtime(directories.get(i), directoryTimes.get(i));
      }
    }

    @Override
    public void close() throws IOException {
      whiteouts.close();
    }
  }

  private static boolean allZero(byte[] buf, int n) {
    for (int i = 0; i < n; i++) {
      if (buf[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
