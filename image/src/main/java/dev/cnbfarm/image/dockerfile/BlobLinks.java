package dev.cnbfarm.image.dockerfile;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Places a layer blob at a second path. Blobs are content-addressed and never modified in place
 * (every writer renames a finished temp file), so a hard link is as good as a copy and costs no
 * I/O; across file systems (or where links are refused) it falls back to copy + rename, so a
 * reader never sees a partial file. Stateless.
 */
final class BlobLinks {
  private BlobLinks() {}

  /** Makes {@code target} hold {@code source}'s bytes, unless it already exists. */
  static void linkOrCopy(Path source, Path target) throws IOException {
    if (Files.exists(target)) {
      return;
    }
    Files.createDirectories(target.getParent());
    try {
      Files.createLink(target, source);
      return;
    } catch (FileAlreadyExistsException e) {
      return;
    } catch (FileSystemException | UnsupportedOperationException e) {
      // another file system, or links not allowed here: copy instead
    }
    Path tmp = Files.createTempFile(target.getParent(), ".blob", ".tmp");
    try {
      Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
