package dev.cnbfarm.image.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Absolute paths of the host programs the sandbox uses (util-linux {@code unshare}/{@code setpriv}/
 * {@code mount}, bubblewrap's {@code bwrap}, the host {@code /bin/sh}, coreutils' {@code du} for
 * the {@link DiskWatchdog}). Resolved once, so neither
 * the host's nor the command's {@code PATH} matters. Immutable.
 */
record HostTools(Path sh, Path unshare, Path setpriv, Path bwrap, Path du) {
  /** The {@code PATH} of the setup script, which runs host tools only. */
  static final String SETUP_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

  private static final List<String> DIRS = List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin");
  private static final List<String> SCRIPT_TOOLS = List.of("mount");

  /**
   * Finds the tools.
   *
   * @throws SandboxException naming every missing tool
   */
  static HostTools locate() {
    Map<String, Path> found = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String tool : List.of("sh", "unshare", "setpriv", "bwrap", "du")) {
      find(tool, found, missing);
    }
    for (String tool : SCRIPT_TOOLS) {
      find(tool, new LinkedHashMap<>(), missing);
    }
    if (!missing.isEmpty()) {
      throw new SandboxException(
          "host tools missing: "
              + String.join(", ", missing)
              + " (install util-linux and bubblewrap)");
    }
    return new HostTools(
        found.get("sh"),
        found.get("unshare"),
        found.get("setpriv"),
        found.get("bwrap"),
        found.get("du"));
  }

  private static void find(String tool, Map<String, Path> found, List<String> missing) {
    for (String dir : DIRS) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        found.put(tool, candidate);
        return;
      }
    }
    missing.add(tool);
  }
}
