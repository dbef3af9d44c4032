package dev.cnbfarm.image.rootfs;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory holding one worker's per-step overlay scratch dirs ({@link OverlayMount}).
 *
 * <p>A scratch root belongs to exactly one worker process: {@link #open(Path)} deletes everything
 * in it, since any step dir found at start-up was left by a killed predecessor. The upper and work
 * dirs of a step are siblings, so they share a file system as overlayfs requires; the layer dirs
 * may live elsewhere.
 *
 * <p>Thread-safe: each {@link #prepare(RootfsPlan)} creates a uniquely named step dir.
 */
public final class ScratchSpace {
  private static final Logger log = LoggerFactory.getLogger(ScratchSpace.class);

  private final Path root;

  private ScratchSpace(Path root) {
    this.root = root;
  }

  /** Opens the scratch root, creating it if needed and deleting stale step dirs. */
  public static ScratchSpace open(Path root) {
    Path abs = root.toAbsolutePath().normalize();
    try {
      Files.createDirectories(abs);
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(abs)) {
        for (Path stale : entries) {
          log.info("sweeping stale step scratch {}", stale);
          FileTrees.deleteRecursively(stale);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open scratch root " + root, e);
    }
    return new ScratchSpace(abs);
  }

  public Path root() {
    return root;
  }

  /**
   * Creates a fresh step dir for {@code plan}: empty upper, work, merged and mount-point dirs, and
   * the short {@code l/<n>} links to the layers. The caller closes the result after the step.
   *
   * @throws IllegalArgumentException if the plan has more than {@link OverlayMount#MAX_LAYERS}
   *     layers, or the options would exceed {@link
   *     OverlayMount#MAX_OPTIONS_LENGTH}
   */
  public OverlayMount prepare(RootfsPlan plan) {
    List<Path> lowers = plan.stackedLowers();
    if (lowers.size() > OverlayMount.MAX_LAYERS) {
      throw new IllegalArgumentException(
          "the image has " + lowers.size() + " distinct layers; overlayfs stacks at most "
              + OverlayMount.MAX_LAYERS + " (squash the base image)");
    }
    Path stepDir = root.resolve(UUID.randomUUID().toString());
    String options = options(lowers.size());
    if (options.length() > OverlayMount.MAX_OPTIONS_LENGTH) {
      throw new IllegalArgumentException(
          "overlay options are " + options.length() + " bytes, over the page-size limit");
    }
    try {
      Files.createDirectory(stepDir);
      for (String dir : List.of("upper", "work", "merged", "mounts", "l")) {
        Files.createDirectory(stepDir.resolve(dir));
      }
      for (int i = 0; i < lowers.size(); i++) {
        Files.createSymbolicLink(stepDir.resolve(linkName(i)), lowers.get(i));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare step scratch " + stepDir, e);
    }
    return new OverlayMount(stepDir, lowers, options);
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
