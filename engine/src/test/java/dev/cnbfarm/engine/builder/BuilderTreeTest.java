package dev.cnbfarm.engine.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.dockerfile.ImageState;
import dev.cnbfarm.image.dockerfile.StateLayer;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuilderTreeTest {
  @TempDir Path tmp;

  private Path layer(String name) throws Exception {
    return Files.createDirectories(tmp.resolve("layers").resolve(name));
  }

  private static ImageState image(List<String> env, Path... layers) {
    List<StateLayer> state = new java.util.ArrayList<>();
    for (int i = 0; i < layers.length; i++) {
      state.add(StateLayer.base(Digest.of(new byte[] {(byte) i}), layers[i]));
    }
    return new ImageState(ImageConfig.empty(Platform.LINUX_AMD64).withEnv(env), state);
  }

  @Test
  void mergesTheLayersCnbBottomToTopKeepingModesAndHonouringWhiteouts() throws Exception {
    Path base = layer("0");
    Files.createDirectories(base.resolve("cnb/buildpacks/a/1/bin"));
    Path detect = Files.writeString(base.resolve("cnb/buildpacks/a/1/bin/detect"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(detect, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(base.resolve("cnb/buildpacks/gone/1"));
    Files.writeString(base.resolve("cnb/order.toml"), "old");
    Path top = layer("1");
    Files.createDirectories(top.resolve("cnb/buildpacks"));
    Files.writeString(top.resolve("cnb/order.toml"), "[[order]]");
    Files.writeString(top.resolve("cnb/run.toml"), "[[images]]");
    new ProcessBuilder("mknod", top.resolve("cnb/buildpacks/gone").toString(), "c", "0", "0").start().waitFor();

    BuilderTree tree = BuilderTree.of(image(List.of("CNB_USER_ID=1000", "CNB_GROUP_ID=1001"), base, top),
        Digest.of(new byte[] {9}), tmp.resolve("cache"));

    assertThat(tree.order()).hasContent("[[order]]");
    assertThat(tree.runToml()).hasContent("[[images]]");
    assertThat(tree.buildpacks().resolve("a/1/bin/detect")).isExecutable();
    assertThat(tree.buildpacks().resolve("gone")).doesNotExist();
    assertThat(tree.uid()).isEqualTo(1000);
    assertThat(tree.gid()).isEqualTo(1001);
  }

  @Test
  void extractsOncePerBuilderDigest() throws Exception {
    Path base = layer("0");
    Files.createDirectories(base.resolve("cnb"));
    Files.writeString(base.resolve("cnb/order.toml"), "[[order]]");
    Digest digest = Digest.of(new byte[] {7});
    BuilderTree first = BuilderTree.of(image(List.of(), base), digest, tmp.resolve("cache"));
    Files.writeString(base.resolve("cnb/order.toml"), "changed below the cache");

    BuilderTree second = BuilderTree.of(image(List.of(), base), digest, tmp.resolve("cache"));

    assertThat(second.order()).isEqualTo(first.order()).hasContent("[[order]]");
    try (var entries = Files.list(tmp.resolve("cache"))) {
      assertThat(entries).hasSize(1);
    }
  }

  @Test
  void aBuilderWithoutAnOrderIsRefused() throws Exception {
    Path base = layer("0");
    Files.createDirectories(base.resolve("cnb/buildpacks"));

    assertThatThrownBy(() -> BuilderTree.of(image(List.of(), base), Digest.of(new byte[] {8}), tmp.resolve("cache")))
        .isInstanceOf(LifecycleException.class).hasMessage("the builder image has no /cnb/order.toml");
    try (var entries = Files.list(tmp.resolve("cache"))) {
      assertThat(entries).isEmpty();
    }
  }
}
