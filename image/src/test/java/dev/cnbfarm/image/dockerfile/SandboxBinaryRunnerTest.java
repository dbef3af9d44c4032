package dev.cnbfarm.image.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.rootfs.RootfsCache;
import dev.cnbfarm.image.rootfs.ScratchSpace;
import dev.cnbfarm.image.sandbox.BindMount;
import dev.cnbfarm.image.sandbox.NetworkMode;
import dev.cnbfarm.image.sandbox.Sandbox;
import dev.cnbfarm.image.sandbox.SandboxUser;
import dev.cnbfarm.lifecycle.exec.Execution;
import dev.cnbfarm.lifecycle.exec.Invocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxBinaryRunnerTest {
  @TempDir static Path dir;
  static ImageState image;
  static Path app;
  static Path tools;
  static SandboxBinaryRunner runner;

  @BeforeAll
  static void setUp() throws IOException {
    BaseImageFixture base = new BaseImageFixture(dir.resolve("base"));
    image = new ImageLoader(base.store, RootfsCache.open(dir.resolve("cache")), dir.resolve("dl")).load(base.image);
    app = Files.createDirectories(dir.resolve("app"));
    tools = Files.createDirectories(dir.resolve("tools"));
    script("write-tmp", "echo x > /tmp/left-over; echo wrote");
    script("read-tmp", "cat /tmp/left-over 2>&1 || echo gone");
    script("both-streams", "echo out; echo err >&2; echo \"$1 in $(pwd)\"");
    script("sleep", "sleep 30");
    BindPlan binds = BindPlan.of(List.of(BindMount.readWrite(app, "/workspace"), BindMount.readOnly(tools, "/tools")));
    runner = new SandboxBinaryRunner(Sandbox.create(), ScratchSpace.open(dir.resolve("scratch")), image,
        SandboxUser.of(1000, 1000), binds, NetworkMode.NONE);
  }

  private static void script(String name, String body) throws IOException {
    Path file = tools.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static Execution run(String tool, Duration timeout, String... args) {
    return runner.run(new Invocation(tools.resolve(tool), List.of(args), Map.of("PATH", "/bin"), app, timeout));
  }

  @Test
  void eachRunGetsAFreshUpperDirSoRootfsWritesDoNotCarryOver() {
    assertThat(run("write-tmp", Duration.ofSeconds(20)).output()).isEqualTo("wrote\n");

    assertThat(run("read-tmp", Duration.ofSeconds(20)).output()).contains("gone");
    assertThat(image.stack().readText("/tmp/left-over")).isEmpty();
  }

  @Test
  void mergesBothStreamsAndRewritesHostPathArguments() {
    Execution ex = run("both-streams", Duration.ofSeconds(20), app.resolve("x").toString());

    assertThat(ex.started()).isTrue();
    assertThat(ex.exitCode()).isZero();
    assertThat(ex.output()).contains("out\n", "err\n", "/workspace/x in /workspace\n");
  }

  @Test
  void theTimeLimitKillsTheRunAndSaysSo() {
    Execution ex = run("sleep", Duration.ofMillis(500));

    assertThat(ex.started()).isFalse();
    assertThat(ex.startError()).contains("timed out");
    assertThat(ex.output()).contains("killed after the time limit");
  }

  @Test
  void anExecutableOutsideTheBindsCannotStart() {
    Execution ex = runner.run(new Invocation(dir.resolve("nowhere/build"), List.of(), Map.of(), app,
        Duration.ofSeconds(5)));

    assertThat(ex.started()).isFalse();
    assertThat(ex.startError()).contains("not under any bind");
  }

  @Test
  void outputBeyondTheCapIsDroppedAndCounted() {
    SandboxBinaryRunner.CappedOutput out = new SandboxBinaryRunner.CappedOutput(10);
    out.line("12345");
    out.line("67890");

    assertThat(out.text()).isEqualTo("12345\n[cnbfarm] output truncated: 6 more bytes");
  }
}
