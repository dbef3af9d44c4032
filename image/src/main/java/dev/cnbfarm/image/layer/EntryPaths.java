package dev.cnbfarm.image.layer;

/** Normalisation and validation of in-image entry paths. Stateless. */
final class EntryPaths {
  private EntryPaths() {}

  /** Strips leading "/" and "./" and a trailing "/", and rejects empty, "." and ".." segments. */
  static String normalise(String path) {
    String p = path;
    while (p.startsWith("/") || p.startsWith("./")) {
      p = p.startsWith("/") ? p.substring(1) : p.substring(2);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.isEmpty()) {
      throw new IllegalArgumentException("empty entry path: '" + path + "'");
    }
    for (String segment : p.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("bad segment '" + segment + "' in entry path '" + path + "'");
      }
    }
    return p;
  }

  /** The last segment of a normalised path. */
  static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** The parent of a normalised path, "" for a top-level entry. */
  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  /** {@code parent/child}, or {@code child} at the top. */
  static String join(String parent, String child) {
    return parent.isEmpty() ? child : parent + "/" + child;
  }
}
