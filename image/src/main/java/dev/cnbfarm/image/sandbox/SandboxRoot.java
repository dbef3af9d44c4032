package dev.cnbfarm.image.sandbox;

import dev.cnbfarm.image.rootfs.OverlayMount;
import java.nio.file.Path;

/**
 * What a sandboxed process sees as {@code /}: an overlay over image layers (Dockerfile steps, whose
 * writes must land in a fresh upper dir) or a plain directory (used as is, writes included).
 * Immutable.
 */
public sealed interface SandboxRoot permits SandboxRoot.Overlay, SandboxRoot.Directory {

  /** An overlay of the mount's layers with its empty upper dir; mounted only inside the sandbox. */
  static SandboxRoot overlay(OverlayMount mount) {
    return new Overlay(mount);
  }

  /**
   * A plain directory. Missing mount points ({@code /proc}, {@code /dev}, bind targets) are created
   * in it and left there.
   */
  static SandboxRoot directory(Path dir) {
    return new Directory(dir);
  }

  /** An overlay root. */
  record Overlay(OverlayMount mount) implements SandboxRoot {
    public Overlay {
      if (mount == null) {
        throw new IllegalArgumentException("overlay mount is required");
      }
    }
  }

  /** A plain-directory root. */
  record Directory(Path dir) implements SandboxRoot {
    public Directory {
      if (dir == null || !dir.isAbsolute()) {
        throw new IllegalArgumentException("root dir must be an absolute path: " + dir);
      }
      dir = dir.normalize();
    }
  }
}
