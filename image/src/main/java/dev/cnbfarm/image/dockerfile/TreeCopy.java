package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.rootfs.LayerStack;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds a step's change directory without a process: the directories leading to a destination
 * (keeping the image's mode, owner and mtime where they exist, so the layer never resets e.g.
 * {@code /tmp}'s 1777), files copied from the host, and trees copied out of a merged view of
 * layer directories. Not thread-safe.
 */
final class TreeCopy {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  private final List<Path> lowersTopFirst;
  private final LayerStack stack;

  TreeCopy(List<Path> lowersTopFirst) {
    this.lowersTopFirst = List.copyOf(lowersTopFirst);
    this.stack = new LayerStack(lowersTopFirst);
  }

  boolean exists(String abs) {
    return find(abs).isPresent();
  }

  boolean isDirectory(String abs) {
    return find(abs).map(p -> Files.isDirectory(p, NOFOLLOW)).orElse(false);
  }

  /**
   * {@code abs} with the image's symlinks resolved inside the root, as a chroot would: absolute
   * targets start again at the image root, {@code ..} clamps there, so a link never leads out.
   * The last segment is followed only when {@code followLast}.
   */
  String resolveInImage(String abs, boolean followLast) throws IOException {
    java.util.Deque<String> pending = new java.util.ArrayDeque<>(segments(abs));
    List<String> done = new ArrayList<>();
    for (int hops = 0; !pending.isEmpty(); ) {
      String segment = pending.pop();
      List<String> candidate = new ArrayList<>(done);
      candidate.add(segment);
      Optional<Path> found = candidate.isEmpty() ? Optional.empty() : stack.lookup(candidate);
      if (found.isPresent() && Files.isSymbolicLink(found.get()) && (followLast || !pending.isEmpty())) {
        if (++hops > 40) {
          throw new IOException(abs + ": too many levels of symbolic links in the image");
        }
        String target = Files.readSymbolicLink(found.get()).toString();
        List<String> rest = new ArrayList<>(pending);
        pending.clear();
        String base = target.startsWith("/") ? "" : String.join("/", done);
        pending.addAll(segments(base + "/" + target + "/" + String.join("/", rest)));
        done.clear();
        continue;
      }
      done.add(segment);
    }
    return "/" + String.join("/", done);
  }

  /** Creates {@code abs} (when {@code leaf}) and its parents in {@code changes}. */
  Path makeParents(Path changes, String abs, boolean leaf) throws IOException {
    List<String> parts = segments(abs);
    Path current = changes;
    StringBuilder path = new StringBuilder();
    int upTo = leaf ? parts.size() : parts.size() - 1;
    for (int i = 0; i < upTo; i++) {
      path.append('/').append(parts.get(i));
      current = current.resolve(parts.get(i));
      if (Files.isDirectory(current, NOFOLLOW)) {
        continue;
      }
      Files.createDirectory(current);
      Optional<Path> existing = find(path.toString());
      if (existing.isPresent() && Files.isDirectory(existing.get(), NOFOLLOW)) {
        copyMetadata(existing.get(), current);
      } else {
        setOwnerMode(current, 0, 0, 0755);
      }
    }
    return current;
  }

  /** Copies a host file, symlink or directory tree to {@code dest}, owned by uid:gid. */
  static void copyHost(Path source, Path dest, int uid, int gid, Optional<Integer> mode) throws IOException {
    if (Files.isSymbolicLink(source)) {
      Files.createSymbolicLink(dest, Files.readSymbolicLink(source));
      Files.setAttribute(dest, "unix:uid", uid, NOFOLLOW);
      Files.setAttribute(dest, "unix:gid", gid, NOFOLLOW);
    } else if (Files.isDirectory(source, NOFOLLOW)) {
      if (!Files.isDirectory(dest, NOFOLLOW)) {
        Files.createDirectory(dest);
      }
      setOwnerMode(dest, uid, gid, mode.orElse(modeOf(source)));
      try (DirectoryStream<Path> children = Files.newDirectoryStream(source)) {
        for (Path child : children) {
          copyHost(child, dest.resolve(child.getFileName().toString()), uid, gid, mode);
        }
      }
    } else {
      Files.copy(source, dest, StandardCopyOption.REPLACE_EXISTING, NOFOLLOW);
      setOwnerMode(dest, uid, gid, mode.orElse(modeOf(source)));
      Files.setLastModifiedTime(dest, Files.getLastModifiedTime(source));
    }
  }

  /** Copies {@code abs} as the merged layers show it (whiteouts and opaque dirs honoured) to {@code dest}. */
  void copyMerged(String path, Path dest, Optional<int[]> owner) throws IOException {
    String abs = clamp(path);
    Path top = find(abs).orElseThrow(() -> new java.nio.file.NoSuchFileException(abs));
    if (!Files.isDirectory(top, NOFOLLOW)) {
      copyEntry(top, dest, owner);
      return;
    }
    Files.createDirectories(dest);
    copyMetadata(top, dest);
    owner.ifPresent(o -> chown(dest, o));
    for (Map.Entry<String, Path> child : list(abs).entrySet()) {
      String childAbs = abs.endsWith("/") ? abs + child.getKey() : abs + "/" + child.getKey();
      copyMerged(childAbs, dest.resolve(child.getKey()), owner);
    }
  }

  private void copyEntry(Path source, Path dest, Optional<int[]> owner) throws IOException {
    Files.copy(source, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES, NOFOLLOW);
    int[] o = owner.orElse(new int[] {(Integer) Files.getAttribute(source, "unix:uid", NOFOLLOW),
        (Integer) Files.getAttribute(source, "unix:gid", NOFOLLOW)});
    chown(dest, o);
  }

  /** The children of a directory across the layers, top layer first, whiteouts hiding lower names. */
  private Map<String, Path> list(String abs) throws IOException {
    Map<String, Path> out = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    String rel = abs.replaceFirst("^/+", "");
    for (Path layer : lowersTopFirst) {
      Path dir = rel.isEmpty() ? layer : layer.resolve(rel);
      if (!Files.exists(dir, NOFOLLOW)) {
        continue;
      }
      if (!Files.isDirectory(dir, NOFOLLOW) || LayerStack.isWhiteout(dir)) {
        break;
      }
      try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
        for (Path child : s) {
          String name = child.getFileName().toString();
          if (seen.add(name) && !LayerStack.isWhiteout(child)) {
            out.put(name, child);
          }
        }
      }
      if (LayerStack.isOpaque(dir)) {
        break;
      }
    }
    return out;
  }

  private Optional<Path> find(String abs) {
    try {
      return abs.equals("/") ? Optional.of(lowersTopFirst.get(0)) : stack.lookup(segments(abs));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The segments of an in-image path as a chroot sees it: {@code .} dropped and {@code ..} clamped
   * at the root, so no path of an image, a destination or a {@code --from} source ever names
   * anything above the root (issue 12).
   */
  static List<String> segments(String abs) {
    List<String> out = new ArrayList<>();
    for (String p : abs.split("/")) {
      if (p.equals("..")) {
        if (!out.isEmpty()) {
          out.remove(out.size() - 1);
        }
      } else if (!p.isEmpty() && !p.equals(".")) {
        out.add(p);
      }
    }
    return out;
  }

  /** {@code abs} normalised inside the root ({@link #segments}): "/" or "/a/b". */
  static String clamp(String abs) {
    return "/" + String.join("/", segments(abs));
  }

  private static void copyMetadata(Path from, Path to) throws IOException {
    setOwnerMode(to, (Integer) Files.getAttribute(from, "unix:uid", NOFOLLOW),
        (Integer) Files.getAttribute(from, "unix:gid", NOFOLLOW), modeOf(from));
    Files.setLastModifiedTime(to, (FileTime) Files.getAttribute(from, "lastModifiedTime", NOFOLLOW));
  }

  static int modeOf(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW) & 07777;
  }

  static void setOwnerMode(Path p, int uid, int gid, int mode) throws IOException {
    Files.setAttribute(p, "unix:uid", uid, NOFOLLOW);
    Files.setAttribute(p, "unix:gid", gid, NOFOLLOW);
    Files.setAttribute(p, "unix:mode", mode, NOFOLLOW);
  }

  private static void chown(Path p, int[] owner) {
    try {
      Files.setAttribute(p, "unix:uid", owner[0], NOFOLLOW);
      Files.setAttribute(p, "unix:gid", owner[1], NOFOLLOW);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
