package dev.cnbfarm.image.rootfs;

import java.nio.file.Path;
import java.util.List;

/**
 * The read-only part of an image's root filesystem: its unpacked layer directories, <b>top layer
 * first</b> (the order of overlayfs {@code lowerdir}). Immutable.
 *
 * <p>overlayfs stacks at most {@value #MAX_LOWERS_KERNEL} lower directories ({@code
 * OVL_MAX_STACK}); one of them is reserved for the sandbox's mount-point layer, hence {@link
 * #MAX_LAYERS}.
 */
public record RootfsPlan(List<Path> lowers) {
  /** The kernel's limit on lower directories of one overlay mount. */
  public static final int MAX_LOWERS_KERNEL = 500;

  /** The most image layers a plan may hold. */
  public static final int MAX_LAYERS = MAX_LOWERS_KERNEL - 1;

  public RootfsPlan {
    lowers = List.copyOf(lowers);
    if (lowers.isEmpty()) {
      throw new IllegalArgumentException("a rootfs needs at least one layer");
    }
    if (lowers.size() > MAX_LAYERS) {
      throw new IllegalArgumentException(
          lowers.size() + " layers exceed the overlayfs stack limit of " + MAX_LAYERS);
    }
    for (Path lower : lowers) {
      if (!lower.isAbsolute()) {
        throw new IllegalArgumentException("layer dir must be absolute: " + lower);
      }
    }
  }

  /** A plan over {@code lowers}, top layer first. */
  public static RootfsPlan of(List<Path> lowers) {
    return new RootfsPlan(lowers);
  }
}
