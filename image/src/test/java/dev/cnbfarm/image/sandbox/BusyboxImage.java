package dev.cnbfarm.image.sandbox;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Test fixture: tiny image layers built from Debian's {@code busybox-static}. The base layer holds
 * {@code /bin/busybox} with relative applet links, {@code /etc/motd}, {@code /etc/hostname}, {@code
 * /data/{a,b}}, {@code /root}, {@code /tmp} and no {@code /proc} or {@code /dev} (so the sandbox
 * must supply those mount points). Fails, never skips, when busybox is missing.
 */
public final class BusyboxImage {
  static final Path BUSYBOX = Path.of("/bin/busybox");

  private BusyboxImage() {}

  /** Writes the base layer into the empty directory {@code dest}. */
  public static void writeBaseLayer(Path dest) throws IOException {
    if (!Files.isExecutable(BUSYBOX)) {
      fail("sandbox tests need " + BUSYBOX + ": apt-get install busybox-static");
    }
    Path bin = Files.createDirectories(dest.resolve("bin"));
    Files.copy(BUSYBOX, bin.resolve("busybox"));
    // Like `busybox --install -s`, but relative links: the host's busybox would link to its own
    // path (/usr/bin/busybox on merged-usr), which does not exist in this image.
    for (String applet : run(List.of(BUSYBOX.toString(), "--list")).split("\n")) {
      if (!applet.isBlank() && !applet.equals("busybox")) {
        Files.createSymbolicLink(bin.resolve(applet.strip()), Path.of("busybox"));
      }
    }
    Files.createDirectories(dest.resolve("etc"));
    Files.writeString(dest.resolve("etc/motd"), "welcome\n");
    Files.writeString(dest.resolve("etc/hostname"), "base\n");
    Files.createDirectories(dest.resolve("data"));
    Files.writeString(dest.resolve("data/a"), "a");
    Files.writeString(dest.resolve("data/b"), "b");
    Files.setPosixFilePermissions(
        Files.createDirectories(dest.resolve("root")),
        PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(
        Files.createDirectories(dest.resolve("tmp")), PosixFilePermissions.fromString("rwxrwxrwx"));
  }

  /** Makes an overlayfs whiteout (0:0 char device) at {@code path}, as the layer unpacker does. */
  public static void whiteout(Path path) throws IOException {
    Files.createDirectories(path.getParent());
    run(List.of("mknod", path.toString(), "c", "0", "0"));
  }

  static String run(List<String> argv) throws IOException {
    try {
      Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (process.waitFor() != 0) {
        fail(argv + " failed: " + output);
      }
      return output;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
