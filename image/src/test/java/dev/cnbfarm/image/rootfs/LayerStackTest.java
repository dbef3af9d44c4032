package dev.cnbfarm.image.rootfs;


import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.sandbox.BusyboxImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerStackTest {
  @TempDir Path tmp;
  Path top;
  Path bottom;

  @BeforeEach
  void layers() throws IOException {
    top = Files.createDirectories(tmp.resolve("top"));
    bottom = Files.createDirectories(tmp.resolve("bottom"));
    Files.createDirectories(bottom.resolve("etc"));
    Files.writeString(bottom.resolve("etc/motd"), "m");
    Files.createDirectories(bottom.resolve("data"));
    Files.writeString(bottom.resolve("data/a"), "a");
  }

  private LayerStack stack() {
    return new LayerStack(List.of(top, bottom));
  }

  @Test
  void findsAnEntryOfALowerLayerThroughTheLayersAbove() throws IOException {
    Files.createDirectories(top.resolve("etc"));

    assertThat(stack().lookup(List.of("etc", "motd"))).contains(bottom.resolve("etc/motd"));
  }

  @Test
  void aWhiteoutHidesTheEntryBelow() throws IOException {
    BusyboxImage.whiteout(top.resolve("etc/motd"));

    assertThat(stack().lookup(List.of("etc", "motd"))).isEmpty();
    assertThat(stack().lookup(List.of("etc"))).contains(top.resolve("etc"));
  }

  @Test
  void anOpaqueDirHidesTheContentBelowIt() throws IOException {
    Path data = Files.createDirectories(top.resolve("data"));
    Files.getFileAttributeView(data, UserDefinedFileAttributeView.class)
        .write("overlay.opaque", ByteBuffer.wrap("y".getBytes(StandardCharsets.UTF_8)));

    assertThat(stack().lookup(List.of("data", "a"))).isEmpty();
  }

  @Test
  void aFileAboveHidesADirectoryBelow() throws IOException {
    Files.writeString(top.resolve("data"), "now a file");

    assertThat(stack().lookup(List.of("data", "a"))).isEmpty();
    assertThat(stack().lookup(List.of("data"))).contains(top.resolve("data"));
  }

  @Test
  void neverFollowsSymlinks() throws IOException {
    Files.createSymbolicLink(top.resolve("link"), bottom.resolve("etc"));

    assertThat(stack().lookup(List.of("link"))).contains(top.resolve("link"));
    assertThat(stack().lookup(List.of("link", "motd"))).isEmpty();
  }
}
