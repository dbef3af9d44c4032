package dev.cnbfarm.image.sandbox;

import java.nio.file.Path;

/**
 * A host file or directory made visible at a path inside the sandbox root, e.g. {@code <app>} at
 * {@code /workspace}. Writes through a read-write bind reach the host and never the overlay's upper
 * dir. Immutable.
 *
 * @param source absolute host path (file or directory); symlinks are followed
 * @param target absolute, normalized path inside the root; no {@code ..} segments
 * @param readOnly whether the bind is remounted read-only
 */
public record BindMount(Path source, String target, boolean readOnly) {

  public BindMount {
    if (source == null || !source.isAbsolute()) {
      throw new IllegalArgumentException("bind source must be an absolute path: " + source);
    }
    target = RootPaths.normalize(target);
    if (target.equals("/")) {
      throw new IllegalArgumentException("cannot bind over the root");
    }
  }

  public static BindMount readOnly(Path source, String target) {
    return new BindMount(source, target, true);
  }

  public static BindMount readWrite(Path source, String target) {
    return new BindMount(source, target, false);
  }
}
