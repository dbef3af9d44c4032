package dev.cnbfarm.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The speed peer: {@code buildah bud --isolation chroot} with its own storage under the cache
 * dir (overlay driver), no {@code --layers} (so nothing is cached between builds), the output
 * image removed after each build. Not thread-safe.
 */
final class BuildahBud {
  static final String OUTPUT = "localhost/bench-out:latest";

  private final Path root;
  private final Path runroot;
  private final Path logs;

  BuildahBud(Path cacheDir, Path logs) {
    this.root = cacheDir.resolve("buildah/root");
    this.runroot = cacheDir.resolve("buildah/runroot");
    this.logs = logs;
  }

  /** Pulls the base into buildah's storage (untimed: both sides start with a warm base). */
  void pull(String baseRef) {
    run(List.of("pull", "--tls-verify=false", "-q", baseRef), "pull");
  }

  /** One build of {@code dockerfile}; returns the wall time in nanoseconds. */
  long bud(Path dockerfile, Path context, String baseRef) {
    long start = System.nanoTime();
    run(List.of("bud", "--isolation", "chroot", "--tls-verify=false", "--build-arg", "base_image=" + baseRef,
        "-f", dockerfile.toString(), "-t", OUTPUT, context.toString()), "bud");
    return System.nanoTime() - start;
  }

  /**
   * Checks the output image the way a user would see it: mounts a container of it and looks for
   * {@code /usr/bin/jq} and a {@code blobBytes}-byte {@code /opt/blob}.
   */
  void verify(long blobBytes) {
    String container = lastLine(run(List.of("from", "--pull-never", "-q", OUTPUT), "from"));
    try {
      Path mnt = Path.of(lastLine(run(List.of("mount", container), "mount")));
      if (!Files.isRegularFile(mnt.resolve("usr/bin/jq")) || size(mnt.resolve("opt/blob")) != blobBytes
          || Files.exists(mnt.resolve("usr/share/doc"))) {
        throw new IllegalStateException("buildah's output lacks /usr/bin/jq or a " + blobBytes
            + "-byte /opt/blob, or still has /usr/share/doc (mounted at " + mnt + ")");
      }
    } finally {
      run(List.of("umount", container), "umount");
      run(List.of("rm", container), "rm");
    }
  }

  /** Removes the output image and any leftover working containers. */
  void clean() {
    run(List.of("rm", "--all"), "rm");
    List<String> images = List.of(run(List.of("images", "-q", "--filter", "reference=" + OUTPUT), "images").split("\\s+"));
    if (images.stream().anyMatch(s -> !s.isBlank())) {
      run(List.of("rmi", "-f", OUTPUT), "rmi");
    }
  }

  private static String lastLine(String output) {
    return output.strip().lines().reduce((a, b) -> b).orElse("").strip();
  }

  private static long size(Path p) {
    try {
      return Files.isRegularFile(p) ? Files.size(p) : -1;
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  private String run(List<String> args, String what) {
    List<String> argv = new ArrayList<>(List.of("buildah", "--root", root.toString(), "--runroot", runroot.toString(),
        "--storage-driver", "overlay"));
    argv.addAll(args);
    return HostCommand.run(argv, logs.resolve("buildah-" + what + ".log"));
  }
}
