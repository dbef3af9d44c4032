package dev.cnbfarm.image.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.dockerfile.ImageLoader;
import dev.cnbfarm.image.dockerfile.ImageRunner;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.rootfs.RootfsCache;
import dev.cnbfarm.image.rootfs.ScratchSpace;
import dev.cnbfarm.image.sandbox.Sandbox;
import dev.cnbfarm.image.sandbox.SandboxResult;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.testing.ShLauncherAppImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app image exported without a launcher file, so with cnbfarm's sh launcher, then run in the
 * sandbox as {@code cnbfarm run} does: the busybox run image's {@code /bin/sh} runs the launcher,
 * which finds the default process, the launch layer's bin dir and env.launch files.
 */
class ShellLauncherImageTest {
  @TempDir static Path dir;
  static final OciLayoutImageStore store = new OciLayoutImageStore();
  static Image app;
  static ImageRunner runner;

  @BeforeAll
  static void exportWithoutALauncher() throws IOException {
    ImageRef target = ShLauncherAppImage.export(dir, store);
    app = store.read(target);
    runner = new ImageRunner(Sandbox.create(), ScratchSpace.open(dir.resolve("scratch")),
        new ImageLoader(store, RootfsCache.open(dir.resolve("cache")), dir.resolve("downloads")), Duration.ofMinutes(1));
  }

  @Test
  void theDefaultProcessSeesTheLaunchLayersBinAndEnvLaunchAsTheImageUser() {
    Output out = run(List.of(), Map.of());
    assertThat(out.stderr).isEmpty();
    assertThat(out.result.exitCode()).isZero();
    assertThat(out.stdout).containsExactly(
        "hello GREETING=from env.launch process=web pwd=/workspace uid=1000 args=--from-web");
  }

  @Test
  void userArgsReplaceTheArgsOfABuildpackApi010ProcessCnbProcessTypeNames() {
    assertThat(run(List.of("a", "b c"), Map.of("CNB_PROCESS_TYPE", "web")).stdout).containsExactly(
        "hello GREETING=from env.launch process=web pwd=/workspace uid=1000 args=a b c");
  }

  @Test
  void cnbProcessTypeRunsTheOtherProcessInItsWorkingDir() {
    Output out = run(List.of("more"), Map.of("CNB_PROCESS_TYPE", "other"));
    assertThat(out.result.exitCode()).isZero();
    assertThat(out.stdout).containsExactly("other process more");
  }

  @Test
  void theProcessExitCodeIsPassedThrough() {
    assertThat(run(List.of(), Map.of("CNB_PROCESS_TYPE", "fail")).result.exitCode()).isEqualTo(7);
  }

  @Test
  void anUnknownProcessTypeFailsWithTheLaunchErrorCode() {
    Output out = run(List.of(), Map.of("CNB_PROCESS_TYPE", "nope"));
    assertThat(out.result.exitCode()).isEqualTo(82);
    assertThat(out.stderr).anyMatch(l -> l.contains("no process type 'nope'"));
  }

  @Test
  void aProcessSymlinkInCnbProcessPicksItsType() {
    ImageRunner symlinkRunner = runner;
    Image viaSymlink = new Image(app.ref(), app.manifestDigest(), app.manifest(),
        app.config().withEntrypoint(List.of("/cnb/process/other")));
    Output out = new Output();
    out.result = symlinkRunner.run(viaSymlink, List.of(), Map.of(), out.stdout::add, out.stderr::add);
    assertThat(out.stdout).containsExactly("other process");
  }

  private static Output run(List<String> args, Map<String, String> env) {
    Output out = new Output();
    out.result = runner.run(app, args, env, out.stdout::add, out.stderr::add);
    return out;
  }

  static final class Output {
    final List<String> stdout = Collections.synchronizedList(new ArrayList<>());
    final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
    SandboxResult result;
  }
}
