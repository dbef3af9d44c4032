package dev.cnbfarm.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The host tools {@code bench extend} needs: installed with apt-get when missing and we are root,
 * otherwise a clear failure naming them. Stateless.
 */
final class BenchPrerequisites {
  /** Program → the Debian package that ships it. */
  private static final Map<String, String> TOOLS = Map.of("debootstrap", "debootstrap", "buildah", "buildah",
      "docker-registry", "docker-registry");

  private BenchPrerequisites() {}

  static void ensure(PrintStream out, Path logDir) {
    List<String> missing = new ArrayList<>();
    TOOLS.forEach((program, pkg) -> {
      if (!HostCommand.onPath(program)) {
        missing.add(pkg);
      }
    });
    if (missing.isEmpty()) {
      return;
    }
    missing.sort(String::compareTo);
    if (!isRoot()) {
      throw new IllegalStateException("missing host tools " + missing + "; install them as root: apt-get install -y "
          + "--no-install-recommends " + String.join(" ", missing));
    }
    out.println("installing missing host tools with apt-get: " + String.join(" ", missing));
    HostCommand.run(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "update", "-q"), logDir.resolve("apt-get-update.log"));
    List<String> install = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", "--no-install-recommends"));
    install.addAll(missing);
    HostCommand.run(install, logDir.resolve("apt-get-install.log"));
    for (String program : TOOLS.keySet()) {
      if (!HostCommand.onPath(program)) {
        throw new IllegalStateException(program + " is still missing after apt-get install (see " + logDir + ")");
      }
    }
  }

  private static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (java.io.IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
