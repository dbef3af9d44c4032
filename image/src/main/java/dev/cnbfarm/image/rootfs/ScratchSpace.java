package dev.cnbfarm.image.rootfs;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The directory holding per-step overlay scratch dirs ({@link OverlayMount}).
 *
 * <p>A scratch root may be shared by several processes (an extender and a {@code cnbfarm run} on
 * one cache dir, or two extenders): each step dir {@code <uuid>/} is owned by a live lock, an
 * exclusive file lock on its sibling {@code <uuid>.lock} held from {@link #prepare(RootfsPlan)}
 * until {@link OverlayMount#close()}. The kernel drops the lock when its process dies, so {@link
 * #open(Path)} sweeps exactly the step dirs whose lock it can take: those left by a killed
 * process. A running step's dir, in this or any other process, is never touched. The upper and
 * work dirs of a step are siblings, so they share a file system as overlayfs requires; the layer
 * dirs may live elsewhere.
 *
 * <p>While a step's mount exists, the {@link RootfsCache} layers it stacks are pinned (see {@link
 * RootfsCache}), so no cache in any process evicts them.
 *
 * <p>Thread-safe: each {@link #prepare(RootfsPlan)} creates a uniquely named step dir.
 */
public final class ScratchSpace {
  private final Path root;

  private ScratchSpace(Path root) {
    this.root = root;
  }

  /**
   * Opens the scratch root, creating it if needed and deleting the step dirs of dead processes
   * (those whose {@code <step>.lock} is free).
   */
  public static ScratchSpace open(Path root) {
    Path abs = root.toAbsolutePath().normalize();
    try {
      Files.createDirectories(abs);
      LiveDirs.sweep(abs);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open scratch root " + root, e);
    }
    return new ScratchSpace(abs);
  }

  static Path lockFileOf(Path stepDir) {
    return LiveDirs.lockFileOf(stepDir);
  }

  public Path root() {
    return root;
  }

  /**
   * Creates a fresh step dir for {@code plan}: empty upper, work, merged and mount-point dirs, and
   * the short {@code l/<n>} links to the layers. The caller closes the result after the step.
   *
   * @throws IllegalArgumentException if the options would exceed {@link
   *     OverlayMount#MAX_OPTIONS_LENGTH} (a {@link RootfsPlan} never holds more layers than
   *     overlayfs stacks)
   */
  public OverlayMount prepare(RootfsPlan plan) {
    List<Path> lowers = plan.stackedLowers();
    String options = options(lowers.size());
    if (options.length() > OverlayMount.MAX_OPTIONS_LENGTH) {
      throw new IllegalArgumentException(
          "overlay options are " + options.length() + " bytes, over the page-size limit");
    }
    Path stepDir;
    StepLock stepLock;
    for (int attempt = 1; ; attempt++) {
      stepDir = root.resolve(UUID.randomUUID().toString());
      try {
        stepLock = StepLock.take(lockFileOf(stepDir));
        break;
      } catch (UncheckedIOException lostARaceWithASweep) {
        if (attempt == 3) {
          throw lostARaceWithASweep;
        }
      }
    }
    LayerPins.Pin pins = null;
    try {
      pins = LayerPins.pin(lowers);
      Files.createDirectory(stepDir);
      for (String dir : List.of("upper", "work", "merged", "mounts", "l")) {
        Files.createDirectory(stepDir.resolve(dir));
      }
      for (int i = 0; i < lowers.size(); i++) {
        Files.createSymbolicLink(stepDir.resolve(linkName(i)), lowers.get(i));
      }
    } catch (IOException | RuntimeException e) {
      FileTrees.deleteQuietly(stepDir);
      if (pins != null) {
        pins.close();
      }
      stepLock.close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot prepare step scratch " + stepDir + ": " + io.getMessage(), io);
      }
      throw (RuntimeException) e;
    }
    return new OverlayMount(stepDir, lowers, options, stepLock, pins);
  }

  private static String options(int layers) {
    List<String> lowerdir = new ArrayList<>(layers + 1);
    lowerdir.add("mounts");
    for (int i = 0; i < layers; i++) {
      lowerdir.add(linkName(i));
    }
    return "userxattr,lowerdir=" + String.join(":", lowerdir) + ",upperdir=upper,workdir=work";
  }

  private static String linkName(int index) {
    return "l/" + Integer.toString(index, Character.MAX_RADIX);
  }
}
