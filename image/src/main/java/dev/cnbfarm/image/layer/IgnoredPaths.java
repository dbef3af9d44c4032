package dev.cnbfarm.image.layer;

import java.util.List;
import java.util.function.Predicate;

/**
 * Paths that never enter a layer: each root and everything below it. Paths are absolute inside
 * the image ({@code /workspace/app.jar}). Immutable.
 *
 * @param roots absolute paths without a trailing slash
 */
public record IgnoredPaths(List<String> roots) implements Predicate<String> {
  /** What the platform mounts into a build container (design.md §5). */
  public static final IgnoredPaths PLATFORM =
      of("/workspace", "/layers", "/platform", "/var/run", "/proc", "/sys", "/dev");

  /** Nothing is ignored. */
  public static final IgnoredPaths NONE = new IgnoredPaths(List.of());

  public IgnoredPaths {
    roots = List.copyOf(roots);
    for (String root : roots) {
      if (!root.startsWith("/") || root.length() > 1 && root.endsWith("/")) {
        throw new IllegalArgumentException("ignored path must be absolute without trailing '/': " + root);
      }
    }
  }

  public static IgnoredPaths of(String... roots) {
    return new IgnoredPaths(List.of(roots));
  }

  @Override
  public boolean test(String path) {
    for (String root : roots) {
      if (path.equals(root) || path.startsWith(root + "/") || root.equals("/")) {
        return true;
      }
    }
    return false;
  }
}
