package dev.cnbfarm.image.layer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Depth-first walk of a directory tree in name order, emitting one tar entry per node: the
 * overlayfs upperdir conventions become OCI whiteouts. Not thread-safe; single use.
 */
final class TreeWalk {
  private static final int S_IFMT = 0170000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFLNK = 0120000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFIFO = 0010000;

  private final Path root;
  private final Predicate<String> ignored;
  private final LayerOutput out;
  /** "dev:ino" of multiply-linked files already written → their entry name. */
  private final Map<String, String> firstLinks = new HashMap<>();

  TreeWalk(Path root, Predicate<String> ignored, LayerOutput out) {
    this.root = root;
    this.ignored = ignored;
    this.out = out;
  }

  void run() throws IOException {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("not a directory: " + root);
    }
    walkChildren(root, "");
  }

  private void walkChildren(Path dir, String dirName) throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(children::add);
    }
    children.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
    for (Path child : children) {
      String name = EntryPaths.join(dirName, child.getFileName().toString());
      if (!ignored.test("/" + name)) {
        walk(child, name);
      }
    }
  }

  private void walk(Path path, String name) throws IOException {
    Map<String, Object> a = Files.readAttributes(path, "unix:*", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    int uid = (Integer) a.get("uid");
    int gid = (Integer) a.get("gid");
    switch (mode & S_IFMT) {
      case S_IFDIR -> {
        out.add(out.entry(name + "/", TarConstants.LF_DIR, mode, uid, gid));
        if (isOpaque(path)) {
          out.add(out.entry(EntryPaths.join(name, Whiteouts.OPAQUE), TarConstants.LF_NORMAL, 0644, uid, gid), new byte[0]);
        }
        walkChildren(path, name);
      }
      case S_IFREG -> writeFile(path, name, a, mode, uid, gid);
      case S_IFLNK -> {
        TarArchiveEntry e = out.entry(name, TarConstants.LF_SYMLINK, 0777, uid, gid);
        e.setLinkName(Files.readSymbolicLink(path).toString());
        out.add(e);
      }
      case S_IFCHR, S_IFBLK -> writeDevice(name, (Long) a.get("rdev"), mode, uid, gid);
      case S_IFIFO -> out.add(out.entry(name, TarConstants.LF_FIFO, mode, uid, gid));
      default -> {
        // sockets cannot be archived and mean nothing in an image
      }
    }
  }

  private void writeFile(Path path, String name, Map<String, Object> a, int mode, int uid, int gid)
      throws IOException {
    if ((Integer) a.get("nlink") > 1) {
      String key = a.get("dev") + ":" + a.get("ino");
      String first = firstLinks.putIfAbsent(key, name);
      if (first != null) {
        TarArchiveEntry e = out.entry(name, TarConstants.LF_LINK, mode, uid, gid);
        e.setLinkName(first);
        out.add(e);
        return;
      }
    }
    out.add(out.entry(name, TarConstants.LF_NORMAL, mode, uid, gid), path);
  }

  private void writeDevice(String name, long rdev, int mode, int uid, int gid) throws IOException {
    long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
    long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
    boolean chr = (mode & S_IFMT) == S_IFCHR;
    if (chr && major == 0 && minor == 0) {
      String wh = EntryPaths.join(EntryPaths.parent(name), Whiteouts.PREFIX + EntryPaths.name(name));
      out.add(out.entry(wh, TarConstants.LF_NORMAL, 0644, uid, gid), new byte[0]);
      return;
    }
    TarArchiveEntry e = out.entry(name, chr ? TarConstants.LF_CHR : TarConstants.LF_BLK, mode, uid, gid);
    e.setDevMajor((int) major);
    e.setDevMinor((int) minor);
    out.add(e);
  }

  /** Whether overlayfs (mounted with userxattr) treats the directory as opaque. */
  static boolean isOpaque(Path dir) {
    try {
      UserDefinedFileAttributeView view =
          Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      if (view == null || !view.list().contains(Whiteouts.OPAQUE_XATTR)) {
        return false;
      }
      ByteBuffer buf = ByteBuffer.allocate(view.size(Whiteouts.OPAQUE_XATTR));
      view.read(Whiteouts.OPAQUE_XATTR, buf);
      buf.flip();
      return StandardCharsets.UTF_8.decode(buf).toString().equals("y");
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
