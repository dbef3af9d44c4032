package dev.cnbfarm.image.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.rootfs.OverlayMount;
import dev.cnbfarm.image.rootfs.RootfsPlan;
import dev.cnbfarm.image.rootfs.ScratchSpace;
import dev.cnbfarm.image.sandbox.SandboxFixture.Output;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's attacks on a real sandbox over a real overlay: what a hostile RUN step, layer or image
 * tries in order to reach the host, and what stops it.
 */
class SandboxConfinementTest {
  @TempDir static Path dir;
  static SandboxFixture fixture;

  OverlayMount mount;

  @BeforeAll
  static void createFixture() {
    fixture = new SandboxFixture(dir);
  }

  @AfterEach
  void closeStep() {
    if (mount != null) {
      mount.close();
    }
  }

  private SandboxSpec.Builder step(String script, Path... topLayers) {
    Path[] lowers = new Path[topLayers.length + 1];
    System.arraycopy(topLayers, 0, lowers, 0, topLayers.length);
    lowers[topLayers.length] = fixture.base;
    mount = fixture.overlay(lowers);
    return SandboxSpec.dockerfileRun(SandboxRoot.overlay(mount), SandboxCommand.shell(script))
        .env(Map.of("PATH", "/bin"));
  }

  @Test
  void aRootStepCannotWriteTheHostThroughProc1Root() {
    String marker = "planted-" + UUID.randomUUID();

    fixture.run(step("echo x > /proc/1/root/tmp/" + marker).build());

    assertThat(Path.of("/tmp", marker)).doesNotExist();
  }

  @Test
  void aRootStepCannotEnterPid1sMountNamespace() {
    Output out = fixture.run(step("nsenter -t 1 -m -- ls / ; echo rc=$?").build());

    // The host root has /usr; the busybox image has none.
    assertThat(out.stdout).doesNotContain("usr").contains("rc=1");
  }

  @Test
  void noHostProcessEnvironmentIsReadable() throws Exception {
    String secret = "cnbfarm-secret-" + UUID.randomUUID();
    ProcessBuilder host = new ProcessBuilder("sleep", "30");
    host.environment().put("CNBFARM_TEST_SECRET", secret);
    Process worker = host.start();
    try {
      Output out =
          fixture.run(
              step("cat /proc/*/environ /proc/1/root/proc/*/environ 2>/dev/null | tr '\\0' '\\n';"
                      + " env")
                  .build());

      assertThat(String.join("\n", out.stdout)).doesNotContain(secret).doesNotContain("JAVA_HOME");
    } finally {
      worker.destroyForcibly();
      worker.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRootStepCanNeitherMountNorMakeDevices() {
    Output out =
        fixture.run(
            step("mount -t tmpfs x /tmp; echo mount=$?; mknod /tmp/n c 1 3; echo mknod=$?").build());

    assertThat(out.stdout).containsExactly("mount=1", "mknod=1");
  }

  @Test
  void aRootStepHasDockersCapabilitiesWithoutMknodNorHostNetworkRawSockets() {
    Output out = fixture.run(step("grep -e CapEff -e NoNewPrivs /proc/self/status").build());

    // CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP SYS_CHROOT AUDIT_WRITE SETFCAP.
    assertThat(out.stdout).containsExactly("CapEff:\t00000000a00401fb", "NoNewPrivs:\t1");
  }

  @Test
  void noStepCanMakeANewUserNamespace() {
    Output root = fixture.run(step("unshare -U -r true; echo rc=$?").build());
    mount.close();
    Output user =
        fixture.run(step("unshare -U -r true; echo rc=$?").user(SandboxUser.of(1000, 1000)).build());

    assertThat(root.stdout).containsExactly("rc=1");
    assertThat(user.stdout).containsExactly("rc=1");
  }

  @Test
  void procSysIsReadOnlyAndKernelKeysAreMasked() {
    Output out =
        fixture.run(
            step("cat /proc/sys/vm/swappiness > /proc/sys/vm/swappiness; echo sys=$?;"
                    + " cat /proc/keys > /dev/null; echo keys=$?")
                .build());

    assertThat(out.stdout).containsExactly("sys=1", "keys=1");
  }

  @Test
  void aSetuidRootBinaryDoesNotElevateANonRootStep() throws IOException {
    Path top = Files.createTempDirectory(dir, "suid");
    Path euid = Files.write(Files.createDirectories(top.resolve("bin")).resolve("euid"), euidProgram());
    Files.setAttribute(euid, "unix:mode", 04755);

    Output out = fixture.run(step("/bin/euid; echo euid=$?", top).user(SandboxUser.of(1000, 1000)).build());

    // The program exits with its effective uid & 0xff: 0 if it became root, 232 for uid 1000.
    assertThat(out.stdout).containsExactly("euid=232");
  }

  @Test
  void deviceNodesInALayerAreDead() throws IOException {
    Path top = Files.createTempDirectory(dir, "devices");
    Files.createDirectories(top.resolve("opt"));
    BusyboxImage.run(List.of("mknod", "-m", "0666", top.resolve("opt/null").toString(), "c", "1", "3"));
    BusyboxImage.run(List.of("mknod", "-m", "0666", top.resolve("opt/hwrng").toString(), "c", "10", "183"));

    Output out =
        fixture.run(
            step("echo x > /opt/null && echo null-open; head -c1 /opt/hwrng >/dev/null && echo rng-open;"
                    + " echo done", top)
                .user(SandboxUser.of(1000, 1000))
                .build());

    assertThat(out.stdout).containsExactly("done");
  }

  @Test
  void aForkBombIsContainedByThePidsLimitAndSaysSo() {
    Sandbox small = Sandbox.create(new SandboxLimits(64, OptionalLong.empty(), OptionalDouble.empty()));
    // A bounded bomb (2^9 processes if nothing stops it), so the test itself stays safe.
    String bomb = "b() { if [ $1 -gt 0 ]; then b $(($1-1)) & b $(($1-1)) & fi; sleep 2; wait; }; b 8";

    SandboxResult result =
        small.run(
            step(bomb).timeLimit(Duration.ofSeconds(20)).build(),
            LineSink.discard(),
            LineSink.discard());

    assertThat(result.limitsExceeded())
        .singleElement()
        .asString()
        .contains("process limit of 64 (CNBFARM_SANDBOX_PIDS)");
    assertThat(result.limitNote()).startsWith(" (it hit the process limit");
  }

  @Test
  void exceedingTheMemoryLimitKillsTheStepAndSaysSo() {
    Sandbox small =
        Sandbox.create(new SandboxLimits(256, OptionalLong.of(32L << 20), OptionalDouble.empty()));

    SandboxResult result =
        small.run(
            step("dd if=/dev/zero of=/dev/null bs=128M count=1").build(),
            LineSink.discard(),
            LineSink.discard());

    assertThat(result.exitCode()).isEqualTo(137);
    assertThat(result.limitsExceeded())
        .singleElement()
        .asString()
        .contains("memory limit of 32m (CNBFARM_SANDBOX_MEMORY)");
  }

  @Test
  void writingPastTheDiskBudgetKillsTheStepQuicklyAndSaysSo() {
    Sandbox small =
        Sandbox.create(
            new SandboxLimits(
                256, OptionalLong.empty(), OptionalDouble.empty(), OptionalLong.of(20L << 20)));
    // Slow enough (about 100 MB/s at most) that the watchdog must stop it part way.
    String writer = "i=0; while [ $i -lt 200 ]; do dd if=/dev/zero of=/big$i bs=1M count=1 2>/dev/null;"
        + " i=$((i+1)); sleep 0.01; done; echo finished";

    Output out = new Output();
    out.result =
        small.run(
            step(writer).timeLimit(Duration.ofSeconds(60)).build(), out.stdout::add, out.stderr::add);

    assertThat(out.result.exitCode()).as(out.toString()).isEqualTo(137);
    assertThat(out.stdout).doesNotContain("finished");
    assertThat(out.result.elapsed()).isLessThan(Duration.ofSeconds(20));
    assertThat(out.result.limitNote())
        .isEqualTo(" (it wrote more than 20m to its layer and writable dirs (CNBFARM_SANDBOX_DISK))");
  }

  @Test
  void aFastWriteFinishingBetweenTwoSamplesStillFailsTheBudget() {
    Sandbox small =
        Sandbox.create(
            new SandboxLimits(
                256, OptionalLong.empty(), OptionalDouble.empty(), OptionalLong.of(20L << 20)));

    Output out = new Output();
    out.result =
        small.run(
            step("dd if=/dev/zero of=/big bs=1M count=200").build(),
            out.stdout::add,
            out.stderr::add);

    assertThat(out.result.limitNote()).as(out.toString()).contains("(CNBFARM_SANDBOX_DISK)");
    assertThat(out.result.overDiskBudget()).isTrue();
    assertThat(out.result.succeeded()).isFalse();
  }

  @Test
  void aStepUnderTheDiskBudgetIsUnaffected() {
    Sandbox small =
        Sandbox.create(
            new SandboxLimits(
                256, OptionalLong.empty(), OptionalDouble.empty(), OptionalLong.of(20L << 20)));

    Output out = new Output();
    out.result =
        small.run(
            step("dd if=/dev/zero of=/small bs=1M count=5 2>/dev/null && echo ok").build(),
            out.stdout::add,
            out.stderr::add);

    assertThat(out.result.succeeded()).as(out.toString()).isTrue();
    assertThat(out.result.limitsExceeded()).isEmpty();
    assertThat(out.stdout).containsExactly("ok");
    assertThat(mount.upperDir().resolve("small")).hasSize(5L << 20);
  }

  @Test
  void aReadWriteBindCountsTowardsTheDiskBudget() throws IOException {
    Sandbox small =
        Sandbox.create(
            new SandboxLimits(
                256, OptionalLong.empty(), OptionalDouble.empty(), OptionalLong.of(20L << 20)));
    Path workspace = Files.createDirectories(dir.resolve("workspace-" + UUID.randomUUID()));
    // What the bind already holds is not the step's.
    Files.write(workspace.resolve("source"), new byte[30 << 20]);

    Output out = new Output();
    out.result =
        small.run(
            step("dd if=/dev/zero of=/workspace/out bs=1M count=60 2>/dev/null; echo done")
                .bind(BindMount.readWrite(workspace, "/workspace"))
                .build(),
            out.stdout::add,
            out.stderr::add);

    assertThat(out.result.limitNote()).as(out.toString()).contains("(CNBFARM_SANDBOX_DISK)");
  }

  @Test
  void aStepThatFillsTheHostDiskFirstSaysSoBesidesEnospc() throws Exception {
    Path small = Files.createDirectories(dir.resolve("full-" + UUID.randomUUID()));
    assertThat(new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", small.toString())
        .inheritIO().start().waitFor()).isZero();
    try {
      ScratchSpace scratch = ScratchSpace.open(small.resolve("scratch"));
      Output out = new Output();
      try (OverlayMount full = scratch.prepare(RootfsPlan.of(List.of(fixture.base)))) {
        out.result =
            fixture.sandbox.run(
                SandboxSpec.dockerfileRun(
                        SandboxRoot.overlay(full),
                        SandboxCommand.shell("dd if=/dev/zero of=/big bs=1M count=100"))
                    .env(Map.of("PATH", "/bin"))
                    .build(),
                out.stdout::add,
                out.stderr::add);
      }

      assertThat(out.result.exitCode()).as(out.toString()).isNotZero();
      assertThat(out.result.limitNote())
          .contains("ran out of disk space: the filesystem of " + small)
          .contains("free (ENOSPC)");
      assertThat(out.result.overDiskBudget()).isFalse();
    } finally {
      new ProcessBuilder("umount", small.toString()).inheritIO().start().waitFor();
    }
  }

  @Test
  void aShellScriptOver128KiBRuns() {
    String value = "y".repeat(200 * 1024);

    Output out = fixture.run(step("x=" + value + "; echo ${#x} $0").build());

    assertThat(out.result.exitCode()).as(out.toString()).isZero();
    assertThat(out.stdout).containsExactly("204800 /bin/sh");
  }

  /**
   * A static ELF for the host architecture that exits with {@code geteuid() & 0xff}: the smallest
   * setuid test subject (busybox drops a setuid bit by itself).
   */
  static byte[] euidProgram() {
    boolean arm = SeccompFilter.host() == SeccompFilter.AARCH64;
    byte[] code =
        arm
            ? new byte[] {
              (byte) 0xe8, 0x15, (byte) 0x80, (byte) 0xd2, 0x01, 0x00, 0x00, (byte) 0xd4,
              (byte) 0xa8, 0x0b, (byte) 0x80, (byte) 0xd2, 0x01, 0x00, 0x00, (byte) 0xd4
            }
            : new byte[] {
              (byte) 0xb8, 0x6b, 0, 0, 0, 0x0f, 0x05, (byte) 0x89, (byte) 0xc7, (byte) 0xb8, 0x3c, 0,
              0, 0, 0x0f, 0x05
            };
    int size = 64 + 56 + code.length;
    long base = 0x400000;
    ByteBuffer elf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    elf.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    elf.putShort((short) 2).putShort((short) (arm ? 0xb7 : 0x3e)).putInt(1);
    elf.putLong(base + 120).putLong(64).putLong(0).putInt(0);
    elf.putShort((short) 64).putShort((short) 56).putShort((short) 1);
    elf.putShort((short) 0).putShort((short) 0).putShort((short) 0);
    elf.putInt(1).putInt(5).putLong(0).putLong(base).putLong(base);
    elf.putLong(size).putLong(size).putLong(0x1000);
    elf.put(code);
    return elf.array();
  }
}
