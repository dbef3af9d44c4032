package dev.cnbfarm.image.rootfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the entry overlayfs would show for a path, given layer directories top first, without
 * mounting anything: 0:0 character devices are whiteouts, a directory with {@code
 * user.overlay.opaque=y} hides what lies below it, and a non-directory hides lower directories.
 * Symlinks are never followed. Immutable; thread-safe.
 */
public final class LayerStack {
  private static final int S_IFMT = 0170000;
  private static final int S_IFCHR = 0020000;

  private final List<Path> layers;

  /** @param layers layer dirs in overlay form, top first */
  public LayerStack(List<Path> layers) {
    this.layers = List.copyOf(layers);
  }

  /** The topmost visible entry at {@code segments} (relative to the root), if any. */
  public Optional<Path> lookup(List<String> segments) throws IOException {
    for (Path layer : layers) {
      Path current = layer;
      boolean hidesBelow = false;
      for (int i = 0; i < segments.size(); i++) {
        current = current.resolve(segments.get(i));
        if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
          break;
        }
        if (isWhiteout(current)) {
          return Optional.empty();
        }
        if (i == segments.size() - 1) {
          return Optional.of(current);
        }
        if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
          return Optional.empty();
        }
        hidesBelow = isOpaque(current);
      }
      if (hidesBelow) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  public static boolean isWhiteout(Path path) throws IOException {
    Map<String, Object> attrs =
        Files.readAttributes(path, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) attrs.get("mode");
    long rdev = (Long) attrs.get("rdev");
    return (mode & S_IFMT) == S_IFCHR && rdev == 0;
  }

  public static boolean isOpaque(Path dir) throws IOException {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class);
    if (view == null || !view.list().contains("overlay.opaque")) {
      return false;
    }
    ByteBuffer value = ByteBuffer.allocate(view.size("overlay.opaque"));
    view.read("overlay.opaque", value);
    value.flip();
    return StandardCharsets.UTF_8.decode(value).toString().equals("y");
  }

  /** The text of an absolute path as the merged image shows it (no symlink following), if it is a regular file. */
  public Optional<String> readText(String absolutePath) {
    List<String> segments = new java.util.ArrayList<>();
    for (String part : absolutePath.split("/")) {
      if (!part.isEmpty()) {
        segments.add(part);
      }
    }
    try {
      Optional<Path> found = lookup(segments);
      if (found.isEmpty() || !Files.isRegularFile(found.get(), LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      return Optional.of(Files.readString(found.get(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
