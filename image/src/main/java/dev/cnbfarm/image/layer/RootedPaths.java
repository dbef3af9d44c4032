package dev.cnbfarm.image.layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Resolves tar entry names to paths under a root without ever leaving it: relative symlinks met
 * on the way are followed only while they stay inside the root; absolute ones are never followed.
 * Stateless apart from the root; not thread-safe against concurrent changes of the tree.
 */
final class RootedPaths {
  private static final int MAX_LINK_HOPS = 40;
  private final Path root;

  RootedPaths(Path root) {
    this.root = root;
  }

  /** Validates a raw tar name and returns it normalised, or "" for the root entry itself. */
  static String validate(String raw) {
    if (raw.startsWith("/")) {
      throw new LayerEscapeException(raw, "absolute path");
    }
    String p = raw;
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.isEmpty() || p.equals(".")) {
      return "";
    }
    for (String segment : p.split("/", -1)) {
      if (segment.equals("..")) {
        throw new LayerEscapeException(raw, "'..' segment");
      }
      if (segment.isEmpty() || segment.equals(".")) {
        throw new LayerEscapeException(raw, "empty or '.' segment");
      }
    }
    return p;
  }

  /**
   * The directory {@code parent} (a normalised name, "" for the root) resolves to, creating
   * missing directories with mode 0755.
   */
  Path directory(String entry, String parent, boolean create) throws IOException {
    Deque<String> pending = new ArrayDeque<>(segments(parent));
    Path current = root;
    int hops = 0;
    while (!pending.isEmpty()) {
      String segment = pending.pop();
      Path next = current.resolve(segment);
      if (Files.isSymbolicLink(next)) {
        if (++hops > MAX_LINK_HOPS) {
          throw new LayerEscapeException(entry, "too many symlinks in its parent path");
        }
        String target = Files.readSymbolicLink(next).toString();
        if (target.startsWith("/")) {
          throw new LayerEscapeException(entry, "parent '" + root.relativize(next) + "' is an absolute symlink");
        }
        Path rel = root.relativize(current).resolve(target).normalize();
        if (rel.startsWith("..") || rel.isAbsolute()) {
          throw new LayerEscapeException(entry, "parent '" + root.relativize(next) + "' links outside the root");
        }
        List<String> expanded = segments(rel.toString());
        for (int i = expanded.size() - 1; i >= 0; i--) {
          pending.push(expanded.get(i));
        }
        current = root;
        continue;
      }
      if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
        if (!create) {
          throw new IOException("'" + entry + "': no such directory " + root.relativize(next));
        }
        Files.createDirectory(next);
      } else if (!Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("'" + entry + "': parent " + root.relativize(next) + " is not a directory");
      }
      current = next;
    }
    return current;
  }

  /** The path a normalised name resolves to: its parent resolved safely, its last segment not. */
  Path entry(String entry, String name, boolean createParents) throws IOException {
    return directory(entry, EntryPaths.parent(name), createParents).resolve(EntryPaths.name(name));
  }

  private static List<String> segments(String path) {
    if (path.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty() && !s.equals(".")).toList();
  }
}
