package dev.cnbfarm.image.layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Makes 0:0 character devices (overlayfs whiteouts) without a process each: the first one is made
 * with {@code mknod} as a template in the unpack root, every whiteout is a hardlink to it (as
 * overlayfs itself shares one whiteout inode), and {@link #close()} removes the template. Not
 * thread-safe; one per unpack.
 */
final class WhiteoutNodes implements AutoCloseable {
  private final Path template;
  private boolean made;

  WhiteoutNodes(Path root) {
    this.template = root.resolve(".cnbfarm-whiteout-" + UUID.randomUUID());
  }

  /** Creates a whiteout device at {@code path}, which must not exist. */
  void create(Path path) throws IOException {
    if (!made) {
      FileNodes.mknod(template, 'c', 0, 0);
      made = true;
    }
    Files.createLink(path, template);
  }

  boolean isTemplate(Path path) {
    return path.equals(template);
  }

  @Override
  public void close() throws IOException {
    if (made) {
      Files.deleteIfExists(template);
      made = false;
    }
  }
}
