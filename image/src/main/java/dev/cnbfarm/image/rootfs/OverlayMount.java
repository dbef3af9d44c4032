package dev.cnbfarm.image.rootfs;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The scratch directory of one step's overlay: everything needed to mount the image's layers with a
 * fresh, empty upper directory. Nothing is mounted by this class; the sandbox mounts it inside its
 * private mount namespace, with the step directory as working directory, using {@link #options()}.
 *
 * <p>Layout of {@link #stepDir()}:
 *
 * <ul>
 *   <li>{@code upper/} – the upperdir; after a run it is the step's layer diff.
 *   <li>{@code work/} – overlayfs workdir (same filesystem as upper).
 *   <li>{@code merged/} – the mount point.
 *   <li>{@code mounts/} – the top lower: the "mount-point layer", where the sandbox creates missing
 *       mount points so they never appear in {@code upper/}.
 *   <li>{@code l/<n>} – short symlinks to the layer directories. The option string of {@code
 *       mount(2)} is limited to one page (4096 bytes on x86-64/arm64), so {@code lowerdir} names
 *       these links relative to the step directory ({@code l/0:l/1:...}) instead of the long cache
 *       paths: 499 layers fit in about 2.5 KB. This is the trick Docker's overlay2 driver uses.
 * </ul>
 *
 * <p>{@link #close()} deletes the whole step directory, upper included (read the upper dir first),
 * and releases the step's lock and layer pins ({@link ScratchSpace}).
 * Immutable apart from the file system it owns; not meant to be shared between threads while a step
 * runs.
 */
public final class OverlayMount implements AutoCloseable {
  /** The page-size bound on {@code mount(2)} data, minus its terminating NUL. */
  public static final int MAX_OPTIONS_LENGTH = 4095;


  private final Path stepDir;
  private final List<Path> lowers;
  private final String options;
  private final StepLock stepLock;
  private final LayerPins.Pin pins;

  OverlayMount(Path stepDir, List<Path> lowers, String options, StepLock stepLock, LayerPins.Pin pins) {
    this.stepDir = stepDir;
    this.lowers = List.copyOf(lowers);
    this.options = options;
    this.stepLock = stepLock;
    this.pins = pins;
  }

  /** The per-step scratch directory (absolute). */
  public Path stepDir() {
    return stepDir;
  }

  /** The layer directories as stacked, top first, each once (not including the mount-point layer). */
  public List<Path> lowers() {
    return lowers;
  }

  public Path upperDir() {
    return stepDir.resolve("upper");
  }

  public Path workDir() {
    return stepDir.resolve("work");
  }

  public Path mergedDir() {
    return stepDir.resolve("merged");
  }

  /** The topmost lower, empty until the sandbox puts missing mount points there. */
  public Path mountPointLayer() {
    return stepDir.resolve("mounts");
  }

  /**
   * The overlay mount options, with paths relative to {@link #stepDir()}, e.g. {@code
   * userxattr,lowerdir=mounts:l/0:l/1,upperdir=upper,workdir=work}. {@code userxattr} makes the
   * kernel use {@code user.overlay.*} xattrs (opaque dirs), which Java can read.
   */
  public String options() {
    return options;
  }

  /**
   * Deletes the step directory, then unpins its layers and releases (and deletes) the step's lock.
   * Must not be called while the overlay is mounted.
   */
  @Override
  public void close() {
    try {
      FileTrees.deleteRecursively(stepDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete step scratch " + stepDir, e);
    } finally {
      try {
        pins.close();
      } finally {
        stepLock.close();
      }
    }
  }

  @Override
  public String toString() {
    return "OverlayMount[" + stepDir + ", " + lowers.size() + " layers]";
  }
}
