package dev.cnbfarm.image.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchSpaceTest {
  @TempDir Path tmp;

  @Test
  void preparesEmptyUpperWorkMergedAndMountPointDirs() throws IOException {
    Path layer = Files.createDirectories(tmp.resolve("layer"));
    ScratchSpace scratch = ScratchSpace.open(tmp.resolve("scratch"));

    try (OverlayMount mount = scratch.prepare(RootfsPlan.of(List.of(layer)))) {
      assertThat(mount.upperDir()).isEmptyDirectory();
      assertThat(mount.workDir()).isEmptyDirectory();
      assertThat(mount.mergedDir()).isEmptyDirectory();
      assertThat(mount.mountPointLayer()).isEmptyDirectory();
      assertThat(mount.lowers()).containsExactly(layer);
      assertThat(mount.options())
          .isEqualTo("userxattr,lowerdir=mounts:l/0,upperdir=upper,workdir=work");
      assertThat(Files.readSymbolicLink(mount.stepDir().resolve("l/0"))).isEqualTo(layer);
    }
  }

  @Test
  void namesLowersByShortLinksTopFirstSoDeepCachePathsDoNotCount() throws IOException {
    List<Path> layers = new ArrayList<>();
    Path deep = tmp.resolve("x".repeat(200)).resolve("y".repeat(200));
    for (int i = 0; i < RootfsPlan.MAX_LAYERS; i++) {
      layers.add(deep.resolve("%064d".formatted(i)));
    }
    ScratchSpace scratch = ScratchSpace.open(tmp.resolve("scratch"));

    try (OverlayMount mount = scratch.prepare(RootfsPlan.of(layers))) {
      assertThat(mount.options().length()).isLessThanOrEqualTo(OverlayMount.MAX_OPTIONS_LENGTH);
      assertThat(mount.options()).startsWith("userxattr,lowerdir=mounts:l/0:l/1:l/2:");
      assertThat(Files.readSymbolicLink(mount.stepDir().resolve("l/a"))).isEqualTo(layers.get(10));
    }
  }

  @Test
  void aLayerListedTwiceIsStackedOnceAtItsTopmostPlaceAndCountsOnceTowardsTheLimit() throws IOException {
    Path empty = tmp.resolve("empty");
    Path users = tmp.resolve("users");
    Path busybox = tmp.resolve("busybox");
    List<Path> layers = new ArrayList<>(List.of(empty, users, empty, busybox));
    for (int i = 0; i < RootfsPlan.MAX_LAYERS; i++) {
      layers.add(empty);
    }
    ScratchSpace scratch = ScratchSpace.open(tmp.resolve("scratch"));

    try (OverlayMount mount = scratch.prepare(RootfsPlan.of(layers))) {
      assertThat(mount.lowers()).containsExactly(empty, users, busybox);
      assertThat(mount.options()).startsWith("userxattr,lowerdir=mounts:l/0:l/1:l/2,");
      assertThat(Files.readSymbolicLink(mount.stepDir().resolve("l/2"))).isEqualTo(busybox);
    }
  }

  @Test
  void rejectsMoreLayersThanOverlayfsCanStack() {
    List<Path> layers = new ArrayList<>();
    for (int i = 0; i <= RootfsPlan.MAX_LAYERS; i++) {
      layers.add(tmp.resolve("l" + i));
    }
    assertThatThrownBy(() -> RootfsPlan.of(layers)).hasMessageContaining("stack limit");
  }

  @Test
  void closingAStepRemovesItsScratchButNotTheLayers() throws IOException {
    Path layer = Files.createDirectories(tmp.resolve("layer"));
    Files.writeString(layer.resolve("keep"), "k");
    ScratchSpace scratch = ScratchSpace.open(tmp.resolve("scratch"));

    OverlayMount mount = scratch.prepare(RootfsPlan.of(List.of(layer)));
    Files.writeString(mount.upperDir().resolve("diff"), "d");
    mount.close();

    assertThat(mount.stepDir()).doesNotExist();
    assertThat(layer.resolve("keep")).hasContent("k");
  }

  @Test
  void openingSweepsStaleStepDirsOfAKilledWorker() throws IOException {
    // What a killed worker leaves: a step dir and its lock file, locked by nobody any more.
    Path layer = Files.createDirectories(tmp.resolve("layer"));
    Path abandoned = Files.createDirectories(tmp.resolve("scratch").resolve("9d3c").resolve("upper"));
    Files.createSymbolicLink(abandoned.resolveSibling("l0"), layer);
    Files.createFile(tmp.resolve("scratch").resolve("9d3c.lock"));
    Files.createFile(tmp.resolve("scratch").resolve("orphan.lock"));

    ScratchSpace.open(tmp.resolve("scratch"));

    assertThat(tmp.resolve("scratch")).isEmptyDirectory();
    assertThat(layer).exists();
  }

  @Test
  void aLiveStepOfAnotherProcessSurvivesOpenAndADeadOnesIsSwept() throws IOException {
    Path layer = Files.createDirectories(tmp.resolve("layer"));
    Path root = tmp.resolve("scratch");
    ScratchSpace.open(root);
    try (StepHolder.Child live = StepHolder.start("hold", root, layer)) {
      StepHolder.Child dead = StepHolder.start("die", root, layer);
      dead.close();
      assertThat(live.stepDir()).as("the child's step dir").isNotEmpty();
      assertThat(Path.of(dead.stepDir())).isDirectory();

      ScratchSpace.open(root); // e.g. a `cnbfarm run` on the same cache dir

      assertThat(Path.of(live.stepDir())).as("a running step's dir").isDirectory();
      assertThat(Path.of(live.stepDir()).resolve("upper")).isDirectory();
      assertThat(Path.of(dead.stepDir())).as("a dead process's step dir").doesNotExist();
      assertThat(Path.of(dead.stepDir() + ".lock")).doesNotExist();
    }
  }

  @Test
  void aLiveStepOfAnotherScratchSpaceInThisJvmSurvivesOpen() throws IOException {
    Path layer = Files.createDirectories(tmp.resolve("layer"));
    Path root = tmp.resolve("scratch");

    try (OverlayMount running = ScratchSpace.open(root).prepare(RootfsPlan.of(List.of(layer)))) {
      ScratchSpace.open(root);

      assertThat(running.upperDir()).isDirectory();
    }
    assertThat(root).isEmptyDirectory();
  }

  @Test
  void aStepDirWithoutALockFileIsLeftOverAndSwept() throws IOException {
    Path root = tmp.resolve("scratch");
    Path old = Files.createDirectories(root.resolve("0f7e").resolve("upper"));

    ScratchSpace.open(root);

    assertThat(old.getParent()).doesNotExist();
    assertThat(root).isEmptyDirectory();
  }
}
