package dev.cnbfarm.image.layer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.concurrent.TimeUnit;

/** Filesystem operations the JDK lacks or makes verbose: mknod, xattrs, lchown, no-follow delete. */
final class FileNodes {
  private FileNodes() {}

  /** Creates a device or fifo with {@code mknod}; {@code type} is c, b or p. We run as root. */
  static void mknod(Path path, char type, long major, long minor) throws IOException {
    ProcessBuilder pb = type == 'p'
        ? new ProcessBuilder("mknod", path.toString(), "p")
        : new ProcessBuilder("mknod", path.toString(), String.valueOf(type), Long.toString(major), Long.toString(minor));
    pb.redirectErrorStream(true);
    Process process = pb.start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("mknod " + path + " timed out");
      }
      if (process.exitValue() != 0) {
        throw new IOException("mknod " + path + " failed: " + output.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while creating " + path, e);
    }
  }

  /** Marks a directory opaque for overlayfs mounted with {@code userxattr}. */
  static void setOpaque(Path dir) throws IOException {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    view.write(Whiteouts.OPAQUE_XATTR, ByteBuffer.wrap("y".getBytes(StandardCharsets.UTF_8)));
  }

  /** Sets owner, then mode (chown clears set-id bits), of a node that is not a symlink. */
  static void setOwnerAndMode(Path path, int uid, int gid, int mode) throws IOException {
    setOwner(path, uid, gid);
    Files.setAttribute(path, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Sets owner, then mode, of a device or FIFO this unpack just made: chmod by path, because the
   * JDK's no-follow chmod opens the node (a FIFO blocks; a device would be opened as root).
   */
  static void setOwnerAndModeOfNode(Path path, int uid, int gid, int mode) throws IOException {
    setOwner(path, uid, gid);
    Files.setAttribute(path, "unix:mode", mode & 07777);
  }

  /** lchown. */
  static void setOwner(Path path, int uid, int gid) throws IOException {
    Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }

  /** Sets the modification time without following a symlink. */
  static void setMtime(Path path, FileTime mtime) throws IOException {
    Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(mtime, null, null);
  }

}
