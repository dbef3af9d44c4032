package dev.cnbfarm.image.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.sandbox.Sandbox;
import dev.cnbfarm.image.sandbox.SandboxLimits;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.UUID;
import java.io.ByteArrayOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile extension Dockerfiles against the real applier: nothing may reach the host, every failure names file and line (issue 12). */
class HostileDockerfileTest {
  @TempDir Path work;
  private ApplierFixture fixture;
  private Path context;
  private ImageState base;
  private DockerfileApplier applier;
  private List<String> lines;

  @BeforeEach
  void setUp() throws IOException {
    fixture = new ApplierFixture(work);
    context = fixture.context;
    base = fixture.base;
    lines = fixture.lines;
    applier = fixture.applier(Sandbox.create());
  }

  private DockerfileApplier applier(Sandbox sandbox) {
    return fixture.applier(sandbox);
  }

  @Test
  void aRunStepWritingPastTheDiskBudgetFailsNamingTheLineAndTheSetting() throws IOException {
    applier = applier(Sandbox.create(new SandboxLimits(256, OptionalLong.empty(), OptionalDouble.empty(),
        OptionalLong.of(20L << 20))));

    assertThatThrownBy(() -> apply("ARG base_image\nFROM ${base_image}\nUSER root\n"
        + "RUN dd if=/dev/zero of=/big bs=1M count=200\n", Map.of()))
        .isInstanceOf(LifecycleException.class).hasMessageContaining("line 4")
        .hasMessageContaining("wrote more than 20m to its layer and writable dirs (CNBFARM_SANDBOX_DISK)");
  }

  private ApplyResult apply(String dockerfile, Map<String, String> extraArgs) throws IOException {
    return applier.apply(fixture.request(dockerfile, extraArgs));
  }

  @Test
  void copyDestinationDotDotClampsAtTheImageRoot() throws IOException {
    String name = "planted-" + UUID.randomUUID();
    Files.writeString(context.resolve("payload"), "payload\n");
    try {
      ApplyResult r = apply("ARG base_image\nFROM ${base_image}\nCOPY payload /../../../../../../../../tmp/" + name + "\n", Map.of());
      assertThat(Path.of("/tmp", name)).doesNotExist();
      assertThat(r.image().stack().readText("/tmp/" + name)).contains("payload\n");
    } finally {
      Files.deleteIfExists(Path.of("/tmp", name));
    }
  }

  @Test
  void addArchiveWhiteoutUnderADotDotDestinationNeverDeletesAHostFile() throws IOException {
    Path victim = Files.writeString(Path.of("/tmp", "victim-" + UUID.randomUUID()), "host file\n");
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
        out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        out.putArchiveEntry(new TarArchiveEntry(".wh." + victim.getFileName(), TarConstants.LF_NORMAL, true));
        out.closeArchiveEntry();
      }
      Files.write(context.resolve("del.tar"), bytes.toByteArray());
      apply("ARG base_image\nFROM ${base_image}\nUSER root\nADD del.tar /../../../../../../../../tmp/\n", Map.of());
      assertThat(victim).hasContent("host file\n");
    } finally {
      Files.deleteIfExists(victim);
    }
  }

  @Test
  void copyFromBaseImageResolvesDotDotInsideTheImage() throws IOException {
    Path secret = Files.writeString(Path.of("/tmp", "secret-" + UUID.randomUUID()), "host secret\n");
    try {
      assertThatThrownBy(() -> apply("ARG base_image\nFROM ${base_image}\nCOPY --from=${base_image} /../../../../../../../.."
          + secret + " /x\n", Map.of())).hasMessageContaining("line 3").hasMessageContaining("source not found");
      ApplyResult r = apply("ARG base_image\nFROM ${base_image}\nCOPY --from=${base_image} /../../../../../../../etc/motd /m\n",
          Map.of());
      assertThat(r.image().stack().readText("/m")).contains("welcome\n");
    } finally {
      Files.deleteIfExists(secret);
    }
  }

  @Test
  void userIdOutOfRangeNamesTheFileAndLine() {
    assertThatThrownBy(() -> apply("ARG base_image\nFROM ${base_image}\nUSER 4294967296\nRUN true\n", Map.of()))
        .isInstanceOf(LifecycleException.class).hasMessageContaining("line 3").hasMessageContaining("4294967296")
        .hasMessageContaining("out of range").hasMessageNotContaining("NumberFormat");
    assertThatThrownBy(() -> apply("ARG base_image\nFROM ${base_image}\nUSER 0:99999999999\nRUN true\n", Map.of()))
        .isInstanceOf(LifecycleException.class).hasMessageContaining("line 3").hasMessageContaining("99999999999");
  }

  @Test
  void chownIdOutOfRangeNamesTheFileAndLine() {
    assertThatThrownBy(() -> apply("ARG base_image\nFROM ${base_image}\nCOPY --chown=99999999999 file.txt /x\n", Map.of()))
        .isInstanceOf(LifecycleException.class).hasMessageContaining("line 3").hasMessageContaining("99999999999")
        .hasMessageNotContaining("NumberFormat");
  }

  @Test
  void nulInRunNamesTheFileAndLine() {
    assertThatThrownBy(() -> apply("ARG base_image\nFROM ${base_image}\nUSER root\nRUN echo a\0b\n", Map.of()))
        .isInstanceOf(LifecycleException.class).hasMessageContaining("line 4").hasMessageContaining("NUL")
        .hasMessageNotContaining("IllegalArgument");
  }

  @Test
  void invalidUtf8InTheDockerfileNamesTheFileAndTheByte() throws IOException {
    Path file = work.resolve("Dockerfile-bad");
    Files.write(file, "ARG base_image\nFROM ${base_image}\nLABEL a=\"\u00ff\"\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> applier.apply(new ApplyRequest(base, file, Map.of("base_image", "x"), context, "test/ext")))
        .isInstanceOf(LifecycleException.class).hasMessageContaining(file.toString())
        .hasMessageContaining("invalid UTF-8 at byte 43 (line 3)").hasMessageNotContaining("Input length");
  }

  @Test
  void tenThousandEnvLinesStayLinear() throws IOException {
    StringBuilder df = new StringBuilder("ARG base_image\nFROM ${base_image}\n");
    for (int i = 0; i < 10_000; i++) {
      df.append("ENV VAR_").append(i).append("=value-").append(i).append('\n');
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    ApplyResult r = apply(df.toString(), Map.of());
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(r.image().config().env()).contains("VAR_9999=value-9999");
    assertThat(allocated).as("bytes allocated").isLessThan(300L << 20);
  }

  @Test
  void addArchiveWithADeviceNodeIsRefusedNamingFileLineAndEntry() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry dev = new TarArchiveEntry("hwrng", TarConstants.LF_CHR, true);
      dev.setDevMajor(10);
      dev.setDevMinor(183);
      out.putArchiveEntry(dev);
      out.closeArchiveEntry();
    }
    Files.write(context.resolve("dev.tar"), bytes.toByteArray());
    assertThatThrownBy(() -> apply("ARG base_image\nFROM ${base_image}\nUSER root\nADD dev.tar /opt/\n", Map.of()))
        .isInstanceOf(LifecycleException.class).hasMessageContaining("line 4").hasMessageContaining("archive dev.tar")
        .hasMessageContaining("'hwrng'").hasMessageContaining("device");
  }

  @Test
  void aSmallAddTarBombStopsAtTheStepsDiskBudget() throws IOException {
    // 64 MiB of zeros gzip to about 64 KiB; the step's 20m disk budget bounds the unpack too.
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(new java.util.zip.GZIPOutputStream(
        Files.newOutputStream(context.resolve("bomb.tar.gz"))))) {
      TarArchiveEntry big = new TarArchiveEntry("zeros");
      big.setSize(64L << 20);
      out.putArchiveEntry(big);
      byte[] chunk = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        out.write(chunk);
      }
      out.closeArchiveEntry();
    }
    assertThat(Files.size(context.resolve("bomb.tar.gz"))).isLessThan(1 << 20);
    applier = applier(Sandbox.create(new SandboxLimits(256, OptionalLong.empty(), OptionalDouble.empty(),
        OptionalLong.of(20L << 20))));

    assertThatThrownBy(() -> apply("ARG base_image\nFROM ${base_image}\nUSER root\nADD bomb.tar.gz /opt/\n", Map.of()))
        .isInstanceOf(LifecycleException.class).hasMessageContaining("line 4").hasMessageContaining("'zeros'")
        .hasMessageContaining(String.valueOf(20L << 20));
  }

  @Test
  void addArchiveWithAFifoDoesNotHang() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry fifo = new TarArchiveEntry("pipe", TarConstants.LF_FIFO, true);
      fifo.setMode(0600);
      out.putArchiveEntry(fifo);
      out.closeArchiveEntry();
    }
    Files.write(context.resolve("fifo.tar"), bytes.toByteArray());
    ApplyResult r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> apply("ARG base_image\nFROM ${base_image}\nUSER root\nADD fifo.tar /opt/\n", Map.of()));
    Path pipe = r.newLayers().get(0).dir().resolve("opt/pipe");
    assertThat((Integer) Files.getAttribute(pipe, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000).isEqualTo(0010000);
  }

  @Test
  void copyDestinationThroughAnImageSymlinkStaysInsideTheImage() throws IOException {
    String name = "linked-" + UUID.randomUUID();
    Path links = Files.createDirectories(work.resolve("link-layer"));
    Files.createSymbolicLink(links.resolve("up"), Path.of("/../../../../../../tmp/" + name));
    Files.createSymbolicLink(links.resolve("rel"), Path.of("../../../../../../tmp/" + name));
    ImageState withLinks = new ImageState(base.config(), java.util.stream.Stream.concat(base.layers().stream(),
        java.util.stream.Stream.of(StateLayer.base(Digest.parse("sha256:" + "d".repeat(64)), links))).toList());
    Files.writeString(context.resolve("payload"), "payload\n");
    Path file = Files.writeString(work.resolve("Dockerfile-links"),
        "ARG base_image\nFROM ${base_image}\nUSER root\nCOPY payload /up/a\nCOPY payload /rel/b\n");
    try {
      ApplyResult r = applier.apply(new ApplyRequest(withLinks, file,
          Map.of("base_image", "registry.test/base@sha256:" + "b".repeat(64)), context, "test/ext"));
      assertThat(Path.of("/tmp", name)).doesNotExist();
      assertThat(r.image().stack().readText("/tmp/" + name + "/a")).contains("payload\n");
      assertThat(r.image().stack().readText("/tmp/" + name + "/b")).contains("payload\n");
      assertThat(Files.isSymbolicLink(r.image().stack().lookup(List.of("up")).orElseThrow())).isTrue();
    } finally {
      dev.cnbfarm.lifecycle.fs.FileTrees.deleteRecursively(Path.of("/tmp", name));
    }
  }

  @Test
  void copyFromBaseImageFollowsItsLinksOnlyInsideItsRoot() throws IOException {
    Path secret = Files.writeString(Path.of("/tmp", "from-secret-" + UUID.randomUUID()), "host secret\n");
    Path links = Files.createDirectories(work.resolve("from-link-layer"));
    Files.createSymbolicLink(links.resolve("etc-link"), Path.of("/../../../../../../etc"));
    Files.createSymbolicLink(links.resolve("host-tmp"), Path.of("../../../../../../../tmp"));
    ImageState withLinks = new ImageState(base.config(), java.util.stream.Stream.concat(base.layers().stream(),
        java.util.stream.Stream.of(StateLayer.base(Digest.parse("sha256:" + "e".repeat(64)), links))).toList());
    Map<String, String> args = Map.of("base_image", "registry.test/base@sha256:" + "b".repeat(64));
    try {
      Path ok = Files.writeString(work.resolve("Dockerfile-from-ok"),
          "ARG base_image\nFROM ${base_image}\nCOPY --from=${base_image} /etc-link/motd /m\n");
      ApplyResult r = applier.apply(new ApplyRequest(withLinks, ok, args, context, "test/ext"));
      assertThat(r.image().stack().readText("/m")).contains("welcome\n");
      Path bad = Files.writeString(work.resolve("Dockerfile-from-bad"),
          "ARG base_image\nFROM ${base_image}\nCOPY --from=${base_image} /host-tmp/" + secret.getFileName() + " /x\n");
      assertThatThrownBy(() -> applier.apply(new ApplyRequest(withLinks, bad, args, context, "test/ext")))
          .hasMessageContaining("line 3").hasMessageContaining("source not found");
    } finally {
      Files.deleteIfExists(secret);
    }
  }
}
