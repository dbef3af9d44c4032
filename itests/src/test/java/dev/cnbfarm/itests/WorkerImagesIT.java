package dev.cnbfarm.itests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.cli.run.RunCommand;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.LocalRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker images as deploy/README.md builds them: {@code deploy/images/base-image} makes the
 * Debian base and pushes it to a local registry, then Maven runs the Jib module ({@code mvn -f
 * deploy/images/pom.xml -Pimages package}, jib-maven-plugin, no Docker) pushing one image per worker
 * kind there; each image then runs under {@code cnbfarm run} starting its worker's {@code --help}.
 * Needs root, debootstrap, umoci, skopeo, docker-registry, {@code mvn} on PATH and the packaged cli
 * ({@code cli/target}, which {@code mvn verify} has made before this phase). The base is cached
 * (deploy/images/base-image): the first run here takes minutes, later ones about a minute.
 */
class WorkerImagesIT {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final String TAG = "it";
  /** What {@code HostTools} looks up for the sandbox, plus the JVM; in a PATH dir of the image. */
  private static final List<String> SANDBOX_TOOLS = List.of("sh", "unshare", "setpriv", "mount", "bwrap", "du", "java");
  private static final List<String> TOOL_DIRS = List.of("usr/bin/", "bin/", "usr/sbin/", "sbin/");

  private static LocalRegistry registry;
  private static ImageStore store;

  @TempDir static Path work;

  @BeforeAll
  static void buildTheImagesWithJib() throws IOException {
    assertThat(ROOT.resolve("cli/target/cnbfarm-cli.jar")).as("the packaged cli (mvn package -pl cli -am)")
        .isRegularFile();
    registry = LocalRegistry.start();
    store = RoutingImageStore.withDefaults();
    long start = System.nanoTime();
    String base = run("base-image", 30, ROOT.resolve("deploy/images/base-image").toString(),
        registry.host() + "/cnbfarm/base:bookworm").strip();
    System.out.printf("WorkerImagesIT: base %s ready in %.1f s%n", base, seconds(start));
    start = System.nanoTime();
    run("jib", 15, "mvn", "-B", "-ntp", "-q", "-f", ROOT.resolve("deploy/images/pom.xml").toString(), "-Pimages",
        "package", "-Dcnbfarm.image.base=" + base, "-Dcnbfarm.image.repository=" + registry.host() + "/cnbfarm",
        "-Dcnbfarm.image.tag=" + TAG, "-Dcnbfarm.image.insecure=true");
    System.out.printf("WorkerImagesIT: Jib built the 3 worker images in %.1f s%n", seconds(start));
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void eachImageStartsItsWorkerAsTheUserItNeeds() {
    for (String kind : List.of("detect", "extend", "export")) {
      Image image = store.read(image(kind));
      assertThat(image.config().entrypoint()).as(kind).endsWith("dev.cnbfarm.cli.Main", "worker", kind);
      assertThat(image.config().labels()).as(kind).containsEntry("dev.cnbfarm.worker", kind);
      // the sandbox (detect's /bin/detect, extend's RUN steps) is set up by root; export needs no sandbox
      assertThat(image.config().user()).as(kind).contains(kind.equals("export") ? "1000:1000" : "0:0");
    }
    assertThat(store.read(image("extend")).config().cmd()).containsExactly("--role", "build");
  }

  @Test
  void extendImageHoldsTheHostToolsOfTheSandbox() throws IOException {
    Image extend = store.read(image("extend"));
    Set<String> entries = new HashSet<>();
    for (Descriptor layer : extend.manifest().layers()) {
      entries.addAll(entries(extend.ref(), layer));
    }
    List<String> missing = new ArrayList<>();
    for (String tool : SANDBOX_TOOLS) {
      if (TOOL_DIRS.stream().noneMatch(dir -> entries.contains(dir + tool))) {
        missing.add(tool);
      }
    }
    assertThat(missing).as("tools of the sandbox missing in " + extend.ref()).isEmpty();
    assertThat(entries).contains("app/cnbfarm-cli.jar");
  }

  @Test
  void cnbfarmRunStartsEachWorkersHelpInItsImage() throws IOException {
    // a cache kept between runs (like DebianBase's): the base layer is unpacked once per machine
    Path cache = Files.createDirectories(DebianBase.cacheDir().resolveSibling("worker-images-run"));
    for (String kind : List.of("extend", "export", "detect")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      long start = System.nanoTime();
      int exit = new RunCommand(Map.of("CNBFARM_CACHE_DIR", cache.toString()), new PrintStream(out, true),
          new PrintStream(err, true), () -> store).run(new String[] {image(kind).toString(), "--", "--help"});
      System.out.printf("WorkerImagesIT: cnbfarm run %s -- --help in %.1f s%n", image(kind), seconds(start));
      String output = out.toString(StandardCharsets.UTF_8);
      assertThat(exit).as(kind + " exit; stdout:\n" + output + "\nstderr:\n" + err.toString(StandardCharsets.UTF_8))
          .isZero();
      assertThat(output).startsWith("Usage: cnbfarm worker " + kind).contains("--bootstrap=<host:port>");
    }
  }

  private static ImageRef image(String kind) {
    return ImageRef.parse(registry.host() + "/cnbfarm/" + kind + "-worker:" + TAG);
  }

  /** The entry names of one layer, without the leading {@code ./} or {@code /}. */
  private static List<String> entries(ImageRef ref, Descriptor layer) throws IOException {
    Path blob = work.resolve("layer.blob");
    try (OutputStream out = Files.newOutputStream(blob)) {
      store.pullBlob(ref, layer, out);
    }
    List<String> names = new ArrayList<>();
    try (InputStream in = Files.newInputStream(blob);
        TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in, 1 << 16))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        names.add(e.getName().replaceFirst("^\\./", "").replaceFirst("^/", ""));
      }
    } finally {
      Files.delete(blob);
    }
    return names;
  }

  /** Runs a command of the build, its output in a log file; fails with the log's tail. Returns stdout. */
  private static String run(String what, int minutes, String... command) throws IOException {
    Path log = work.resolve(what + ".log");
    Path stdout = work.resolve(what + ".out");
    Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectOutput(stdout.toFile())
        .redirectError(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    try {
      if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(what + " did not finish within " + minutes + " min; " + tail(log, stdout));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new AssertionError("interrupted while running " + what, e);
    }
    if (p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + "; " + tail(log, stdout));
    }
    return Files.readString(stdout);
  }

  private static String tail(Path... files) throws IOException {
    StringBuilder s = new StringBuilder("last lines:");
    for (Path f : files) {
      List<String> lines = Files.readAllLines(f);
      s.append('\n').append(String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size())));
    }
    return s.toString();
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
