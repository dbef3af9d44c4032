package dev.cnbfarm.image.layer;

import dev.cnbfarm.image.ref.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A comparable description of every node under a root: type, mode, owner, content, links. */
final class TreeSnapshot {
  private TreeSnapshot() {}

  static Map<String, String> of(Path root, boolean withMtime) {
    Map<String, String> result = new TreeMap<>();
    Map<Object, String> inodes = new HashMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
        if (p.equals(root)) {
          continue;
        }
        Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        StringBuilder d = new StringBuilder(String.format("mode=%o uid=%s gid=%s", mode, a.get("uid"), a.get("gid")));
        String rel = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          d.append(" -> ").append(Files.readSymbolicLink(p));
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          d.append(" content=").append(Digest.of(Files.readAllBytes(p)).hex(), 0, 12);
          String first = inodes.putIfAbsent(a.get("ino"), rel);
          if (first != null) {
            d.append(" hardlink=").append(first);
          }
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          d.append(" opaque=").append(TreeWalk.isOpaque(p));
        } else {
          d.append(" rdev=").append(a.get("rdev"));
        }
        if (withMtime && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          d.append(" mtime=").append(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
        }
        result.put(rel, d.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return result;
  }
}
