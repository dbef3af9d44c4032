package dev.cnbfarm.image.sandbox;

import dev.cnbfarm.image.rootfs.LayerStack;

import dev.cnbfarm.image.rootfs.OverlayMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Makes sure every mount point of a run exists in the root <em>before</em> anything is mounted,
 * without ever writing to an overlay's upper dir.
 *
 * <p>For an overlay root, missing mount points are created in the step's mount-point layer, the
 * topmost lower ({@link OverlayMount#mountPointLayer()}). They are visible in the merged view but,
 * being part of a lower, never appear in the upper dir, so the upper dir holds exactly what the
 * command changed. Directories that exist in the image but must hold a new mount point are
 * recreated there with the image's mode, owner and mtime, so a copy-up of such a directory carries
 * the image's metadata. For a plain-directory root, missing mount points are created in place.
 *
 * <p>A mount point reached through a symlink in the image is refused: the kernel would follow it
 * outside the root. The host's {@code /etc/resolv.conf} and {@code /etc/hosts} are skipped rather
 * than refused in that case. Used by one thread for one run.
 */
final class MountPoints {
  private static final String RESOLV_CONF = "/etc/resolv.conf";
  private static final String HOSTS = "/etc/hosts";
  private static final Set<PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwxr-xr-x");
  private static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-r--r--");

  private final LayerStack stack;
  private final Path createIn;
  private final Map<Path, FileTime> imageTimes = new LinkedHashMap<>();

  private MountPoints(LayerStack stack, Path createIn) {
    this.stack = stack;
    this.createIn = createIn;
  }

  /**
   * Prepares all mount points of {@code spec} and returns the binds to perform, in mount order: the
   * spec's binds plus, with the host network, the host's resolver files (read-only).
   */
  static List<BindMount> prepare(SandboxSpec spec) throws IOException {
    MountPoints points = forRoot(spec.root());
    boolean workingDirInBind =
        spec.binds().stream().anyMatch(b -> RootPaths.isWithin(spec.workingDir(), b.target()));
    if (!workingDirInBind) {
      // A working dir inside a bind (e.g. /workspace) lies in the host dir, not in the image.
      points.checkWorkingDir(spec.workingDir());
    }
    points.ensure("/proc", true, false);
    points.ensure("/dev", true, false);
    List<BindMount> binds = new ArrayList<>();
    for (BindMount bind : spec.binds()) {
      if (!Files.exists(bind.source())) {
        throw new IllegalArgumentException("bind source does not exist: " + bind.source());
      }
      points.ensure(bind.target(), Files.isDirectory(bind.source()), false);
      binds.add(bind);
    }
    prepareResolverFiles(spec, points, binds);
    points.restoreImageTimes();
    return binds;
  }

  private static void prepareResolverFiles(
      SandboxSpec spec, MountPoints points, List<BindMount> binds) throws IOException {
    if (spec.network() == NetworkMode.HOST) {
      for (String file : List.of(RESOLV_CONF, HOSTS)) {
        boolean userBound =
            spec.binds().stream().anyMatch(b -> RootPaths.isWithin(file, b.target()));
        Path host = Path.of(file);
        if (!userBound && Files.isRegularFile(host) && points.ensure(file, false, true)) {
          binds.add(BindMount.readOnly(host, file));
        }
      }
    }
  }

  /** Creating children bumped the mtime of recreated image dirs; put the image's back. */
  private void restoreImageTimes() throws IOException {
    for (Map.Entry<Path, FileTime> entry : imageTimes.entrySet()) {
      Files.setLastModifiedTime(entry.getKey(), entry.getValue());
    }
  }

  private static MountPoints forRoot(SandboxRoot root) {
    if (root instanceof SandboxRoot.Overlay overlay) {
      OverlayMount mount = overlay.mount();
      List<Path> layers = new ArrayList<>();
      layers.add(mount.mountPointLayer());
      layers.addAll(mount.lowers());
      return new MountPoints(new LayerStack(layers), mount.mountPointLayer());
    }
    Path dir = ((SandboxRoot.Directory) root).dir();
    return new MountPoints(new LayerStack(List.of(dir)), dir);
  }

  /**
   * Fails early, with a clear message, when the working dir is missing or not a directory (the
   * command would otherwise fail with {@code unshare}'s exit code 1). Paths through image symlinks
   * are not resolved here; {@code unshare --wd} resolves them inside the root.
   */
  private void checkWorkingDir(String workingDir) throws IOException {
    List<String> segments = RootPaths.segments(workingDir);
    for (int i = 0; i < segments.size(); i++) {
      Optional<Path> found = stack.lookup(segments.subList(0, i + 1));
      if (found.isPresent() && Files.isSymbolicLink(found.get())) {
        return;
      }
      if (found.isEmpty() || !Files.isDirectory(found.get(), LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalArgumentException(
            "working dir " + workingDir + " is not a directory in the root (WORKDIR creates it)");
      }
    }
  }

  /** Returns false if {@code optional} and the point cannot be used; throws otherwise. */
  private boolean ensure(String target, boolean directory, boolean optional) throws IOException {
    List<String> segments = RootPaths.segments(target);
    for (int i = 0; i < segments.size(); i++) {
      List<String> prefix = segments.subList(0, i + 1);
      Optional<Path> found = stack.lookup(prefix);
      boolean last = i == segments.size() - 1;
      if (found.isEmpty()) {
        create(segments, i, directory);
        return true;
      }
      Path entry = found.get();
      String problem = null;
      if (Files.isSymbolicLink(entry)) {
        problem = "/" + String.join("/", prefix) + " is a symlink in the image";
      } else if ((!last || directory) != Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
        problem = "/" + String.join("/", prefix) + " has the wrong file type in the image";
      }
      if (problem != null) {
        if (optional) {
          return false;
        }
        throw new IllegalArgumentException("cannot mount at " + target + ": " + problem);
      }
    }
    return true;
  }

  /** Creates segments[firstMissing..] (and image dirs above them) in the creation dir. */
  private void create(List<String> segments, int firstMissing, boolean directory)
      throws IOException {
    Path path = createIn;
    for (int j = 0; j < segments.size(); j++) {
      path = path.resolve(segments.get(j));
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      if (j < firstMissing) {
        Path imageDir = stack.lookup(segments.subList(0, j + 1)).orElseThrow();
        Files.createDirectory(path);
        copyMetadata(imageDir, path);
      } else if (j < segments.size() - 1 || directory) {
        Files.createDirectory(path);
        Files.setPosixFilePermissions(path, DIR_MODE);
      } else {
        Files.createFile(path);
        Files.setPosixFilePermissions(path, FILE_MODE);
      }
    }
  }

  private void copyMetadata(Path from, Path to) throws IOException {
    Files.setPosixFilePermissions(
        to, Files.getPosixFilePermissions(from, LinkOption.NOFOLLOW_LINKS));
    Files.setAttribute(
        to, "unix:uid", Files.getAttribute(from, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    Files.setAttribute(
        to, "unix:gid", Files.getAttribute(from, "unix:gid", LinkOption.NOFOLLOW_LINKS));
    imageTimes.put(to, Files.getLastModifiedTime(from, LinkOption.NOFOLLOW_LINKS));
  }
}
