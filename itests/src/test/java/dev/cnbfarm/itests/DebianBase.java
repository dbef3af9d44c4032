package dev.cnbfarm.itests;

import dev.cnbfarm.image.layer.IgnoredPaths;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.Manifest;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.Platform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test fixture: a Debian bookworm image made by {@code debootstrap --variant=minbase}, with a
 * {@code cnb} user 1000:1000 (home {@code /home/cnb}), {@code CNB_USER_ID}/{@code CNB_GROUP_ID}
 * in its env and user {@code cnb}, as one layer in an OCI layout tagged {@code bookworm}.
 *
 * <p>Both the rootfs and the layout are cached under {@code
 * ${CNBFARM_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cnbfarm/itests}/debian-minbase-bookworm}:
 * each counts only once its completion marker exists, so a half-finished debootstrap or layout is
 * redone, never reused. A file lock on {@code .lock} keeps two JVMs from building at once.
 * Needs root and network access to deb.debian.org the first time (about 30–60 s).
 */
final class DebianBase {
  static final String TAG = "bookworm";
  static final String MIRROR = "http://deb.debian.org/debian";
  static final int CNB_UID = 1000;
  static final int CNB_GID = 1000;
  private static final String PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final String ROOTFS_DONE = "rootfs.complete";
  private static final String IMAGE_DONE = "image.complete";

  private DebianBase() {}

  /** The cache dir of this fixture (not created). */
  static Path cacheDir() {
    String explicit = System.getenv("CNBFARM_TEST_CACHE");
    Path root;
    if (explicit != null && !explicit.isEmpty()) {
      root = Path.of(explicit);
    } else {
      String xdg = System.getenv("XDG_CACHE_HOME");
      Path cache = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
      root = cache.resolve("cnbfarm/itests");
    }
    return root.resolve("debian-minbase-bookworm");
  }

  /** The image, built (or taken from the cache) on first use. */
  static synchronized LayoutRef image() {
    Path dir = cacheDir();
    try {
      Files.createDirectories(dir);
      try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE)) {
        lockFile.lock(); // released when the channel closes; blocks while another JVM builds
        Path rootfs = dir.resolve("rootfs");
        if (!Files.exists(dir.resolve(ROOTFS_DONE))) {
          Files.deleteIfExists(dir.resolve(IMAGE_DONE));
          bootstrap(dir, rootfs);
          addCnbUser(rootfs);
          Files.writeString(dir.resolve(ROOTFS_DONE), "debootstrap --variant=minbase " + TAG + " " + MIRROR + "\n");
        }
        LayoutRef ref = LayoutRef.of(dir.resolve("oci"), TAG);
        if (!Files.exists(dir.resolve(IMAGE_DONE))) {
          writeImage(dir, rootfs, ref);
          Files.writeString(dir.resolve(IMAGE_DONE), ref + "\n");
        }
        return ref;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the Debian base image in " + dir, e);
    }
  }

  private static void bootstrap(Path dir, Path rootfs) throws IOException {
    Path debootstrap = findDebootstrap();
    removeLeftover(rootfs);
    Path log = dir.resolve("debootstrap.log");
    long start = System.nanoTime();
    Process p = new ProcessBuilder(debootstrap.toString(), "--variant=minbase", TAG, rootfs.toString(), MIRROR)
        .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(
            Path.of("/dev/null").toFile())).start();
    try {
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException("debootstrap did not finish within 15 min; see " + log);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted while running debootstrap", e);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("debootstrap exited " + p.exitValue() + " (needs root and access to " + MIRROR
          + "); last lines of " + log + ":\n" + tail(log, 30));
    }
    System.out.printf("DebianBase: debootstrap --variant=minbase %s took %.1f s%n", TAG,
        (System.nanoTime() - start) / 1e9);
  }

  private static Path findDebootstrap() {
    List<Path> candidates = new ArrayList<>();
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty()) {
        candidates.add(Path.of(d, "debootstrap"));
      }
    }
    candidates.add(Path.of("/usr/sbin/debootstrap"));
    return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IllegalStateException(
        "debootstrap is missing: run 'apt-get install debootstrap' (scripts/test installs it; DebianExtendIT "
            + "builds its Debian base image with it)"));
  }

  /**
   * Removes what an interrupted run left: debootstrap mounts /proc and /sys inside the target, so
   * anything still mounted there is detached first, and {@code rm} never crosses a file system.
   */
  private static void removeLeftover(Path rootfs) throws IOException {
    if (!Files.exists(rootfs)) {
      return;
    }
    String prefix = rootfs.toRealPath() + "/";
    List<String> mounts = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String point = line.split(" ")[4].replace("\\040", " ");
      if (point.startsWith(prefix)) {
        mounts.add(point);
      }
    }
    mounts.sort(Comparator.comparing(String::length).reversed());
    for (String point : mounts) {
      run("umount", "-l", point);
    }
    run("rm", "-rf", "--one-file-system", rootfs.toString());
  }

  /** Adds {@code cnb} 1000:1000 to passwd and group, and its home owned by it. */
  private static void addCnbUser(Path rootfs) throws IOException {
    Path etc = rootfs.resolve("etc");
    Files.writeString(etc.resolve("passwd"), "cnb:x:" + CNB_UID + ":" + CNB_GID + "::/home/cnb:/bin/bash\n",
        StandardOpenOption.APPEND);
    Files.writeString(etc.resolve("group"), "cnb:x:" + CNB_GID + ":\n", StandardOpenOption.APPEND);
    Path home = Files.createDirectories(rootfs.resolve("home/cnb"));
    Files.setAttribute(home, "unix:uid", CNB_UID);
    Files.setAttribute(home, "unix:gid", CNB_GID);
    Files.setAttribute(home, "unix:mode", 0755);
  }

  /**
   * One layer of the whole rootfs. The contents of /dev, /proc and /sys stay out (the sandbox
   * provides them; debootstrap's device nodes do not belong in an image), their dirs stay in.
   */
  private static void writeImage(Path dir, Path rootfs, LayoutRef ref) throws IOException {
    long start = System.nanoTime();
    run("rm", "-rf", dir.resolve("oci").toString());
    Path tmp = dir.resolve("layer.tar.gz.tmp");
    LayerBlob layer = LayerWriter.of().withCompressionLevel(1)
        .ignoring(p -> p.startsWith("/dev/") || p.startsWith("/proc/") || p.startsWith("/sys/")
            || IgnoredPaths.of("/etc/resolv.conf", "/etc/hostname").test(p))
        .writeTree(rootfs, tmp);
    try {
      ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64)
          .withLayer(layer.diffId(), new ImageConfig.History("", "debootstrap --variant=minbase " + TAG + " "
              + MIRROR + " && useradd cnb", "", false))
          .withEnv(List.of(PATH_ENV, "CNB_USER_ID=" + CNB_UID, "CNB_GROUP_ID=" + CNB_GID))
          .withUser("cnb");
      OciLayoutImageStore store = new OciLayoutImageStore();
      store.pushBlob(ref, layer);
      byte[] json = config.toJson();
      store.pushManifest(ref, Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(json), json.length),
          List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer.digest(), layer.size()))), json);
    } finally {
      Files.deleteIfExists(tmp);
    }
    System.out.printf("DebianBase: layer %s (%d MB) written in %.1f s%n", layer.digest(), layer.size() >> 20,
        (System.nanoTime() - start) / 1e9);
  }

  private static void run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    try {
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }

  private static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }
}
