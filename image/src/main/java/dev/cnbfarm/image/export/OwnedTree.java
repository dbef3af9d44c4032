package dev.cnbfarm.image.export;

import dev.cnbfarm.image.layer.LayerEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns a host directory into layer entries under an image path, every entry owned by one
 * uid:gid (the build user), modes kept, symlinks stored as links. Sockets, fifos and devices are
 * skipped: a build leaves none worth exporting. Stateless.
 */
final class OwnedTree {
  private OwnedTree() {}

  /** {@code root} itself as directory {@code imagePath}, then everything under it. */
  static List<LayerEntry> entries(Path root, String imagePath, int uid, int gid) {
    List<LayerEntry> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted().toList()) {
        String rel = root.relativize(p).toString();
        String name = rel.isEmpty() ? imagePath : imagePath + "/" + rel;
        if (Files.isSymbolicLink(p)) {
          out.add(new LayerEntry.Symlink(name, Files.readSymbolicLink(p).toString(), uid, gid));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.add(new LayerEntry.Directory(name, mode(p), uid, gid));
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          out.add(new LayerEntry.CopiedFile(name, p, mode(p), uid, gid));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + root, e);
    }
    return out;
  }

  private static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }
}
