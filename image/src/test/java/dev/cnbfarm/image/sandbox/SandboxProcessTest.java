package dev.cnbfarm.image.sandbox;

import static dev.cnbfarm.image.sandbox.SandboxFixture.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.rootfs.OverlayMount;
import dev.cnbfarm.image.sandbox.SandboxFixture.Output;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Process-level guarantees of a sandboxed run: namespaces, identity, env, binds, limits. */
class SandboxProcessTest {
  @TempDir static Path dir;
  static SandboxFixture fixture;

  OverlayMount mount;

  @BeforeAll
  static void createFixture() {
    fixture = new SandboxFixture(dir);
  }

  @BeforeEach
  void prepareStep() {
    mount = fixture.overlay(fixture.base);
  }

  @AfterEach
  void closeStep() {
    mount.close();
  }

  private SandboxSpec.Builder step(String script) {
    return SandboxSpec.dockerfileRun(SandboxRoot.overlay(mount), SandboxCommand.shell(script))
        .env(Map.of("PATH", "/bin"));
  }

  @Test
  void runsInAFreshPidNamespaceUnderBubblewrapsInit() {
    Output out = fixture.run(step("ps -o pid,comm | head -2 | tail -1; ps -o pid | wc -l").build());

    // PID 1 is bubblewrap's reaper (run from outside the root), the command its child; see
    // SetupScript. ps sees a header, bwrap, the command shell, ps, wc.
    assertThat(out.stdout.get(0).strip()).matches("1 +bwrap");
    assertThat(Integer.parseInt(out.stdout.get(1).strip())).isLessThan(8);
  }

  @Test
  void setsTheRequestedHostname() {
    Output out = fixture.run(step("hostname").hostname("step-7").build());

    assertThat(out.stdout).containsExactly("step-7");
  }

  @Test
  void runsAsTheRequestedNonRootUserWithoutPrivileges() {
    SandboxSpec spec =
        step("id -u; id -g; id -G; touch /root/x 2>/dev/null || echo denied; grep CapEff"
                + " /proc/self/status")
            .user(SandboxUser.of(1000, 1001))
            .build();

    Output out = fixture.run(spec);

    assertThat(out.stdout)
        .containsExactly("1000", "1001", "1001", "denied", "CapEff:\t0000000000000000");
  }

  @Test
  void envIsExactlyTheGivenMapPlusPwd() {
    SandboxSpec spec =
        SandboxSpec.dockerfileRun(SandboxRoot.overlay(mount), SandboxCommand.exec("/bin/env"))
            .env(Map.of("PATH", "/bin", "GREETING", "it's \"quoted\" $HOME"))
            .build();

    Output out = fixture.run(spec);

    // bubblewrap always sets PWD to the working dir (as a shell would).
    assertThat(out.stdout)
        .containsExactlyInAnyOrder("PATH=/bin", "GREETING=it's \"quoted\" $HOME", "PWD=/");
  }

  @Test
  void execFormRunsWithoutAnyPathOrShell() {
    SandboxSpec spec =
        SandboxSpec.dockerfileRun(
                SandboxRoot.overlay(mount), SandboxCommand.exec("/bin/echo", "a b", "$X"))
            .build();

    assertThat(fixture.run(spec).stdout).containsExactly("a b $X");
  }

  @Test
  void shellFormUsesTheConfiguredShell() {
    SandboxCommand command =
        SandboxCommand.shell(List.of("/bin/ash", "-e", "-c"), "false; echo unreachable");

    Output out =
        fixture.run(SandboxSpec.dockerfileRun(SandboxRoot.overlay(mount), command).build());

    assertThat(out.result.exitCode()).isEqualTo(1);
    assertThat(out.stdout).isEmpty();
  }

  @Test
  void startsInTheWorkingDirInsideTheRootEvenWhenNotRoot() {
    Output out =
        fixture.run(step("pwd").workingDir("/etc").user(SandboxUser.of(1000, 1000)).build());

    assertThat(out.stdout).containsExactly("/etc");
  }

  @Test
  void providesAMinimalDev() {
    Output out =
        fixture.run(
            step("echo x > /dev/null && head -c 4 /dev/urandom | wc -c && ls /dev/pts/ptmx"
                    + " && ls -ld /dev/shm | cut -c1-10 && echo y > /dev/shm/f && cat /dev/shm/f")
                .build());

    assertThat(out.stdout)
        .as(out.toString())
        .containsExactly("4", "/dev/pts/ptmx", "drwxrwxrwt", "y");
    assertThat(tree(mount.upperDir())).isEmpty();
  }

  @Test
  void refusesAWorkingDirMissingFromTheRoot() {
    assertThatThrownBy(() -> fixture.run(step("pwd").workingDir("/nowhere").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("working dir /nowhere");
  }

  @Test
  void workingDirMayLieInsideABindMissingFromTheImage() throws IOException {
    Path app = Files.createTempDirectory(dir, "app");
    Files.createDirectories(app.resolve("sub"));

    Output out =
        fixture.run(
            step("pwd").bind(BindMount.readWrite(app, "/workspace")).workingDir("/workspace/sub").build());

    assertThat(out.result.exitCode()).as(out.toString()).isZero();
    assertThat(out.stdout).containsExactly("/workspace/sub");
  }

  @Test
  void passesTheExitCodeThrough() {
    Output out = fixture.run(step("echo bye >&2; exit 7").build());

    assertThat(out.result.exitCode()).isEqualTo(7);
    assertThat(out.result.timedOut()).isFalse();
    assertThat(out.stderr).containsExactly("bye");
  }

  @Test
  void readOnlyBindIsNotWritable() throws IOException {
    Path platform = Files.createTempDirectory(dir, "platform");
    Files.writeString(platform.resolve("env"), "x");

    Output out =
        fixture.run(
            step("cat /platform/env; touch /platform/new 2>/dev/null || echo read-only")
                .bind(BindMount.readOnly(platform, "/platform"))
                .build());

    assertThat(out.stdout).containsExactly("xread-only");
    assertThat(tree(platform)).containsExactly("env");
    assertThat(tree(mount.upperDir())).isEmpty();
  }

  @Test
  void readWriteBindWritesReachTheHostDirAndNotTheUpperDir() throws IOException {
    Path app = Files.createTempDirectory(dir, "app");

    Output out =
        fixture.run(
            step("echo built > /workspace/out && mkdir /workspace/sub")
                .bind(BindMount.readWrite(app, "/workspace"))
                .build());

    assertThat(out.result.exitCode()).as(out.toString()).isZero();
    assertThat(app.resolve("out")).hasContent("built");
    assertThat(tree(app)).containsExactly("out", "sub");
    assertThat(tree(mount.upperDir())).isEmpty();
  }

  @Test
  void bindsIntoExistingImageDirsKeepTheirMetadataAndStayOutOfTheUpper() throws IOException {
    Path file = Files.writeString(dir.resolve("buildpack.toml"), "id = 'x'\n");

    Output out =
        fixture.run(
            step("cat /data/bp/buildpack.toml; ls -ld /root | cut -c1-10")
                .bind(BindMount.readOnly(file, "/root/bp/buildpack.toml"))
                .bind(BindMount.readOnly(dir.resolve("app").getParent(), "/data/bp"))
                .build());

    assertThat(out.stdout).containsExactly("id = 'x'", "drwx------");
    assertThat(tree(mount.upperDir())).isEmpty();
  }

  @Test
  void noHostNetworkMeansOnlyLoopback() {
    Output out =
        fixture.run(
            step("ls /sys/class/net 2>/dev/null; cat /proc/net/dev | tail -n +3 | cut -d: -f1")
                .network(NetworkMode.NONE)
                .build());

    assertThat(out.stdout).extracting(String::strip).containsExactly("lo");
  }

  @Test
  void timeLimitKillsTheWholeNamespaceAndNothingStaysMounted() throws Exception {
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    SandboxSpec spec =
        step("echo started; sleep 100 & sleep 100").timeLimit(Duration.ofSeconds(1)).build();

    SandboxResult result = fixture.sandbox.run(spec, lines::add, LineSink.discard());

    assertThat(result.timedOut()).isTrue();
    assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(5));
    assertThat(lines).containsExactly("started");
    assertThat(SandboxFixture.hostMountInfo()).doesNotContain(mount.stepDir().toString());
    assertThat(
            ProcessHandle.allProcesses()
                .flatMap(p -> p.info().arguments().stream())
                .filter(args -> List.of(args).contains(mount.stepDir().toString())))
        .isEmpty();
  }

  @Test
  void deathOfTheUnshareProcessKillsANonRootCommand() throws Exception {
    SandboxSpec spec = step("sleep 4242").user(SandboxUser.of(1000, 1000)).build();
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try {
      Future<SandboxResult> result =
          runner.submit(() -> fixture.sandbox.run(spec, LineSink.discard(), LineSink.discard()));
      await(() -> sleepers().findAny().isPresent());

      // What a dying worker does to the sandbox: SIGKILL to unshare (setpriv --pdeathsig).
      ProcessHandle.current()
          .descendants()
          .filter(p -> p.info().command().orElse("").endsWith("/unshare"))
          .filter(
              p -> p.info().arguments().map(a -> List.of(a).contains("--kill-child")).orElse(false))
          .forEach(ProcessHandle::destroyForcibly);

      assertThat(result.get(10, TimeUnit.SECONDS).exitCode()).isEqualTo(137);
      await(() -> sleepers().findAny().isEmpty());
      assertThat(SandboxFixture.hostMountInfo()).doesNotContain(mount.stepDir().toString());
    } finally {
      runner.shutdownNow();
    }
  }

  /** The busybox {@code sleep 4242}; its command reads as busybox, so match the argument. */
  private static Stream<ProcessHandle> sleepers() {
    return ProcessHandle.allProcesses()
        .filter(
            p -> p.info().arguments().map(a -> List.of(a).equals(List.of("4242"))).orElse(false));
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void streamsOutputWhileTheCommandIsStillRunning() {
    long start = System.nanoTime();
    List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());

    SandboxResult result =
        fixture.sandbox.run(
            step("echo first; sleep 1; echo second").build(),
            line -> arrivals.add((System.nanoTime() - start) / 1_000_000),
            LineSink.discard());

    assertThat(result.exitCode()).isZero();
    assertThat(arrivals).hasSize(2);
    assertThat(arrivals.get(0)).isLessThan(arrivals.get(1) - 500);
  }

  @Test
  void setupFailureIsReportedWithTheMountError() throws IOException {
    Path gone = Files.createTempDirectory(dir, "gone");
    mount.close();
    mount = fixture.overlay(gone, fixture.base);
    Files.delete(gone);

    assertThatThrownBy(() -> fixture.run(step("true").build()))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("setup failed")
        .hasMessageContaining("mount");
  }

  @Test
  void refusesAMountPointReachedThroughAnImageSymlink() throws IOException {
    Path top = Files.createTempDirectory(dir, "top");
    Files.createSymbolicLink(top.resolve("workspace"), Path.of("/etc"));
    mount.close();
    mount = fixture.overlay(top, fixture.base);

    assertThatThrownBy(
            () ->
                fixture.run(step("true").bind(BindMount.readWrite(dir, "/workspace/app")).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/workspace is a symlink");
  }

  @Test
  void runsInAPlainDirectoryRoot() throws IOException {
    Path root = Files.createTempDirectory(dir, "plain");
    BusyboxImage.writeBaseLayer(root);

    Output out =
        fixture.run(
            SandboxSpec.builder()
                .root(SandboxRoot.directory(root))
                .command(SandboxCommand.exec("/bin/sh", "-c", "echo ok > /root/f; cat /root/f"))
                .user(SandboxUser.ROOT)
                .network(NetworkMode.NONE)
                .build());

    assertThat(out.stdout).containsExactly("ok");
    assertThat(root.resolve("root/f")).hasContent("ok\n");
  }

  @Test
  void measuresPerStepOverheadOfTrue() {
    int runs = 20;
    long total = 0;
    for (int i = 0; i < runs; i++) {
      try (OverlayMount step = fixture.overlay(fixture.base)) {
        long start = System.nanoTime();
        SandboxResult result =
            fixture.sandbox.run(
                SandboxSpec.dockerfileRun(
                        SandboxRoot.overlay(step), SandboxCommand.exec("/bin/true"))
                    .build(),
                LineSink.discard(),
                LineSink.discard());
        total += System.nanoTime() - start;
        assertThat(result.exitCode()).isZero();
      }
    }
    System.out.printf(
        "sandbox per-step overhead of `true` (overlay, %d runs): %.1f ms%n",
        runs, total / 1e6 / runs);
  }
}
