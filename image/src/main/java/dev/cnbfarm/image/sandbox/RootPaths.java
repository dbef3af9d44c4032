package dev.cnbfarm.image.sandbox;

import java.util.ArrayList;
import java.util.List;

/** Validation of paths inside a sandbox root. Stateless. */
final class RootPaths {
  private RootPaths() {}

  /**
   * Returns {@code path} with duplicate and trailing slashes and {@code .} segments removed.
   *
   * @throws IllegalArgumentException if it is relative, has a {@code ..} segment or a NUL
   */
  static String normalize(String path) {
    if (path == null || !path.startsWith("/") || path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("path inside the root must be absolute: " + path);
    }
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (part.equals("..")) {
        throw new IllegalArgumentException("path inside the root must not contain '..': " + path);
      }
      if (!part.isEmpty() && !part.equals(".")) {
        parts.add(part);
      }
    }
    return "/" + String.join("/", parts);
  }

  /** The segments of a normalized path; empty for {@code /}. */
  static List<String> segments(String normalized) {
    return normalized.equals("/") ? List.of() : List.of(normalized.substring(1).split("/"));
  }

  /** Whether {@code path} is {@code ancestor} or lies below it (both normalized). */
  static boolean isWithin(String path, String ancestor) {
    return path.equals(ancestor) || ancestor.equals("/") || path.startsWith(ancestor + "/");
  }
}
