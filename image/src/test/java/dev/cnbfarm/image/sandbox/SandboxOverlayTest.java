package dev.cnbfarm.image.sandbox;

import dev.cnbfarm.image.rootfs.LayerStack;

import static dev.cnbfarm.image.sandbox.SandboxFixture.tree;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.rootfs.OverlayMount;
import dev.cnbfarm.image.sandbox.SandboxFixture.Output;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dockerfile-RUN-like steps on an overlay: what lands in the upper dir and what does not. */
class SandboxOverlayTest {
  @TempDir static Path dir;
  static SandboxFixture fixture;
  static List<String> baseTree;

  OverlayMount mount;

  @BeforeAll
  static void createFixture() {
    fixture = new SandboxFixture(dir);
    baseTree = tree(fixture.base);
  }

  @BeforeEach
  void prepareStep() {
    mount = fixture.overlay(fixture.base);
  }

  @AfterEach
  void baseLayerIsNeverChangedAndStepScratchIsRemoved() {
    assertThat(tree(fixture.base)).isEqualTo(baseTree);
    mount.close();
    assertThat(mount.stepDir()).doesNotExist();
  }

  private Output run(String script) {
    return fixture.run(
        SandboxSpec.dockerfileRun(SandboxRoot.overlay(mount), SandboxCommand.shell(script))
            .env(Map.of("PATH", "/bin"))
            .build());
  }

  @Test
  void upperDirHoldsExactlyWhatTheCommandWrote() {
    Output out = run("echo hi > /root/new && mkdir -p /opt/x");

    assertThat(out.result.exitCode()).as(out.toString()).isZero();
    assertThat(tree(mount.upperDir())).containsExactly("opt", "opt/x", "root", "root/new");
    assertThat(mount.upperDir().resolve("root/new")).hasContent("hi");
  }

  @Test
  void mountPointsAndResolverFilesNeverReachTheUpperDir() {
    Output out = run("ls /proc/self >/dev/null && echo x > /dev/null && cat /etc/resolv.conf");

    assertThat(out.result.exitCode()).as(out.toString()).isZero();
    assertThat(tree(mount.upperDir())).isEmpty();
  }

  @Test
  void deletingALowerFileLeavesAWhiteoutCharDevice() throws IOException {
    Output out = run("rm /etc/motd");

    assertThat(out.result.exitCode()).as(out.toString()).isZero();
    Path whiteout = mount.upperDir().resolve("etc/motd");
    assertThat(LayerStack.isWhiteout(whiteout)).isTrue();
    assertThat(Files.getAttribute(whiteout, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0);
  }

  @Test
  void recreatingALowerDirMarksItOpaque() throws IOException {
    Output out = run("rm -rf /data && mkdir /data && echo c > /data/c");

    assertThat(out.result.exitCode()).as(out.toString()).isZero();
    UserDefinedFileAttributeView xattrs =
        Files.getFileAttributeView(
            mount.upperDir().resolve("data"), UserDefinedFileAttributeView.class);
    ByteBuffer value = ByteBuffer.allocate(xattrs.size("overlay.opaque"));
    xattrs.read("overlay.opaque", value);
    assertThat(new String(value.array(), StandardCharsets.UTF_8)).isEqualTo("y");
    assertThat(tree(mount.upperDir())).containsExactly("data", "data/c");
  }

  @Test
  void aWhiteoutInAnUpperLowerHidesTheBottomLowersFile() throws IOException {
    Path top = Files.createTempDirectory(dir, "top");
    BusyboxImage.whiteout(top.resolve("etc/motd"));
    Files.writeString(top.resolve("etc/extra"), "extra");
    mount.close();
    mount = fixture.overlay(top, fixture.base);

    Output out = run("test ! -e /etc/motd && cat /etc/extra /etc/hostname");

    assertThat(out.result.exitCode()).as(out.toString()).isZero();
    assertThat(out.stdout).containsExactly("extrabase");
    assertThat(tree(mount.upperDir())).isEmpty();
  }

  @Test
  void cannotReachHostFilesOutsideTheRoot() throws IOException {
    String marker = "marker-" + java.util.UUID.randomUUID();

    Output out = run("echo x > /tmp/" + marker + "; ls /work; echo ls=$?");

    assertThat(Path.of("/tmp", marker)).doesNotExist();
    assertThat(mount.upperDir().resolve("tmp").resolve(marker)).exists();
    assertThat(out.stdout).containsExactly("ls=1");
  }

  @Test
  void hostSeesNoMountOfTheStepDuringOrAfterARun() {
    List<String> hostViewWhileRunning = new ArrayList<>();
    SandboxSpec spec =
        SandboxSpec.dockerfileRun(
                SandboxRoot.overlay(mount),
                SandboxCommand.shell("grep -c overlay /proc/self/mountinfo; sleep 0.2"))
            .env(Map.of("PATH", "/bin"))
            .build();

    SandboxResult result =
        fixture.sandbox.run(
            spec,
            line -> hostViewWhileRunning.add(line + " " + SandboxFixture.hostMountInfo()),
            LineSink.discard());

    assertThat(result.exitCode()).isZero();
    assertThat(hostViewWhileRunning)
        .singleElement()
        .asString()
        .startsWith("1 ")
        .doesNotContain(mount.stepDir().toString());
    assertThat(SandboxFixture.hostMountInfo()).doesNotContain(mount.stepDir().toString());
  }
}
