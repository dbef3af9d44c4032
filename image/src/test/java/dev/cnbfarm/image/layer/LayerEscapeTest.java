package dev.cnbfarm.image.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerEscapeTest {
  @TempDir Path tmp;
  Path root;
  Path outside;

  @BeforeEach
  void dirs() throws IOException {
    root = Files.createDirectory(tmp.resolve("root"));
    outside = Files.createDirectory(tmp.resolve("outside"));
  }

  @Test
  void rejectsDotDotEntry() {
    byte[] tar = tar(file("a/../../evil"));
    assertThatThrownBy(() -> unpack(tar)).isInstanceOf(LayerEscapeException.class)
        .hasMessageContaining("a/../../evil").extracting("entry").isEqualTo("a/../../evil");
    assertThat(tmp.resolve("evil")).doesNotExist();
  }

  @Test
  void rejectsAbsoluteEntry() {
    byte[] tar = tar(file(outside.resolve("evil").toString()));
    assertThatThrownBy(() -> unpack(tar)).isInstanceOf(LayerEscapeException.class).hasMessageContaining("absolute");
    assertThat(outside.resolve("evil")).doesNotExist();
  }

  @Test
  void rejectsWriteThroughAbsoluteSymlink() {
    byte[] tar = tar(symlink("link", outside.toString()), file("link/evil"));
    assertThatThrownBy(() -> unpack(tar)).isInstanceOf(LayerEscapeException.class).hasMessageContaining("link/evil");
    assertThat(outside.resolve("evil")).doesNotExist();
  }

  @Test
  void rejectsWriteThroughRelativeSymlinkLeavingRoot() {
    byte[] tar = tar(symlink("a/up", "../../outside"), file("a/up/evil"));
    assertThatThrownBy(() -> unpack(tar)).isInstanceOf(LayerEscapeException.class).hasMessageContaining("a/up/evil");
    assertThat(outside.resolve("evil")).doesNotExist();
  }

  @Test
  void rejectsHardlinkToOutside() {
    byte[] tar = tar(hardlink("h", "../outside/secret"));
    assertThatThrownBy(() -> unpack(tar)).isInstanceOf(LayerEscapeException.class).hasMessageContaining("h");
  }

  @Test
  void keepsAbsoluteSymlinkAsContentAndReplacesItRatherThanWritingThrough() throws IOException {
    Files.writeString(outside.resolve("target"), "untouched");
    byte[] tar = tar(symlink("lnk", outside.resolve("target").toString()), file("lnk"));
    unpack(tar);
    assertThat(Files.isSymbolicLink(root.resolve("lnk"))).isFalse();
    assertThat(outside.resolve("target")).hasContent("untouched");
  }

  @Test
  void followsRelativeSymlinksThatStayInside() throws IOException {
    byte[] tar = tar(dir("usr/lib/"), symlink("lib", "usr/lib"), file("lib/x"));
    unpack(tar);
    assertThat(root.resolve("usr/lib/x")).exists();
  }

  private void unpack(byte[] tar) {
    LayerReader.of(LayerReader.WhiteoutMode.OVERLAY).unpack(new ByteArrayInputStream(tar), root);
  }

  private static TarArchiveEntry file(String name) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
    e.setSize(1);
    return e;
  }

  private static TarArchiveEntry dir(String name) {
    return new TarArchiveEntry(name, TarConstants.LF_DIR, true);
  }

  private static TarArchiveEntry symlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
    e.setLinkName(target);
    return e;
  }

  private static TarArchiveEntry hardlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
    e.setLinkName(target);
    return e;
  }

  private static byte[] tar(TarArchiveEntry... entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (TarArchiveEntry e : entries) {
        out.putArchiveEntry(e);
        if (e.getSize() > 0) {
          out.write('x');
        }
        out.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return bytes.toByteArray();
  }
}
