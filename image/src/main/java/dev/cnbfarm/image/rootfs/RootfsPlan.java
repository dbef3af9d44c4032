package dev.cnbfarm.image.rootfs;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The read-only part of an image's root filesystem: its unpacked layer directories, <b>top layer
 * first</b> (the order of overlayfs {@code lowerdir}). Immutable.
 *
 * <p>overlayfs stacks at most {@value #MAX_LOWERS_KERNEL} lower directories ({@code
 * OVL_MAX_STACK}); one of them is reserved for the sandbox's mount-point layer, hence {@link
 * #MAX_LAYERS}. The limit counts distinct layers: an image may list one layer several times (see
 * {@link #stackedLowers()}).
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
    for (Path lower : lowers) {
      if (!lower.isAbsolute()) {
        throw new IllegalArgumentException("layer dir must be absolute: " + lower);
      }
    }
    int distinct = distinct(lowers).size();
    if (distinct > MAX_LAYERS) {
      throw new IllegalArgumentException(
          distinct + " distinct layers exceed the overlayfs stack limit of " + MAX_LAYERS
              + " (squash the base image)");
    }
  }

  /**
   * The layer dirs to hand to overlayfs, top first, each once. An image may carry one layer
   * several times: Docker-built images repeat the empty layer, and Dockerfile steps that change no
   * files all give the same empty layer (one rootfs cache dir). overlayfs refuses a repeated
   * {@code lowerdir} ("conflicting lowerdir path", ELOOP), so only the topmost occurrence is kept.
   * That changes nothing in the merged view: every file, whiteout and opaque dir of a lower copy
   * is also in the upper copy, which sits above everything between them.
   */
  public List<Path> stackedLowers() {
    return distinct(lowers);
  }

  private static List<Path> distinct(List<Path> lowers) {
    LinkedHashSet<Path> seen = new LinkedHashSet<>();
    for (Path lower : lowers) {
      seen.add(lower.normalize());
    }
    return List.copyOf(seen);
  }

  /** A plan over {@code lowers}, top layer first. */
  public static RootfsPlan of(List<Path> lowers) {
    return new RootfsPlan(lowers);
  }
}
