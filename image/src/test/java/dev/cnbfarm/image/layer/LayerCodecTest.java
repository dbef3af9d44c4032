package dev.cnbfarm.image.layer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.ref.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerCodecTest {
  @TempDir Path tmp;

  @Test
  void roundTripKeepsModesOwnersLinksAndWhiteouts() throws IOException {
    Path src = Files.createDirectory(tmp.resolve("src"));
    Trees.fullTree(src);
    LayerBlob blob = LayerWriter.of().writeTree(src, tmp.resolve("layer.tar.gz"));

    Path dst = tmp.resolve("dst");
    LayerReader.of(LayerReader.WhiteoutMode.OVERLAY).unpack(blob.file(), dst);

    Map<String, String> expected = TreeSnapshot.of(src, false);
    expected.keySet().removeIf(p -> p.startsWith("workspace") || p.startsWith("layers"));
    assertThat(TreeSnapshot.of(dst, false)).isEqualTo(expected);
    assertThat(TreeSnapshot.of(dst, false).get("bin/tool")).contains("mode=104755");
    assertThat(TreeSnapshot.of(dst, false).get("etc/gone")).contains("rdev=0").startsWith("mode=20");
    assertThat(TreeSnapshot.of(dst, false).get("opq")).contains("opaque=true");
    assertThat(TreeSnapshot.of(dst, false).get("bin/tool")).contains("hardlink=bin/hard");
    assertThat(Files.getLastModifiedTime(dst.resolve("etc/conf")).toInstant()).isEqualTo(LayerWriter.NORMALISED_MTIME);
    assertThat(Files.getLastModifiedTime(dst.resolve("etc")).toInstant()).isEqualTo(LayerWriter.NORMALISED_MTIME);
  }

  @Test
  void writesOciWhiteoutsNormalisedHeadersAndHardlinks() throws IOException {
    Path src = Files.createDirectory(tmp.resolve("src"));
    Trees.fullTree(src);
    LayerBlob blob = LayerWriter.of().writeTree(src, tmp.resolve("layer.tar.gz"));

    List<TarArchiveEntry> entries = entries(blob.file());
    List<String> names = entries.stream().map(TarArchiveEntry::getName).toList();
    assertThat(names).contains("etc/.wh.gone", "opq/", "opq/.wh..wh..opq", "bin/hard", "empty/")
        .noneMatch(n -> n.startsWith("workspace") || n.startsWith("layers") || n.startsWith("/"));
    assertThat(names.indexOf("opq/.wh..wh..opq")).isEqualTo(names.indexOf("opq/") + 1);
    assertThat(names).containsSubsequence("abs", "bin/", "bin/hard", "bin/link", "bin/tool");
    TarArchiveEntry hard = entries.get(names.indexOf("bin/tool"));
    assertThat(hard.isLink()).isTrue();
    assertThat(hard.getLinkName()).isEqualTo("bin/hard");
    assertThat(entries).allSatisfy(e -> {
      assertThat(e.getUserName()).isEmpty();
      assertThat(e.getGroupName()).isEmpty();
      assertThat(e.getModTime().toInstant()).isEqualTo(LayerWriter.NORMALISED_MTIME);
    });
  }

  @Test
  void digestsAreOfTheBlobAndOfTheUncompressedTar() throws IOException {
    Path src = Files.createDirectory(tmp.resolve("src"));
    Trees.file(src, "a/b", "content", 0644, 0);
    LayerBlob blob = LayerWriter.of().writeTree(src, tmp.resolve("l.tar.gz"));

    assertThat(blob.digest()).isEqualTo(Digest.of(Files.readAllBytes(blob.file())));
    assertThat(blob.size()).isEqualTo(Files.size(blob.file()));
    try (InputStream in = new GZIPInputStream(Files.newInputStream(blob.file()))) {
      assertThat(blob.diffId()).isEqualTo(Digest.of(in.readAllBytes()));
    }
  }

  @Test
  void sameTreeGivesSameDigestsWhateverTheMtimes() throws IOException {
    Path src = Files.createDirectory(tmp.resolve("src"));
    Trees.fullTree(src);
    LayerBlob first = LayerWriter.of().writeTree(src, tmp.resolve("1.tar.gz"));
    Files.setLastModifiedTime(src.resolve("etc/conf"), FileTime.from(Instant.parse("2020-02-02T02:02:02Z")));
    LayerBlob second = LayerWriter.of().writeTree(src, tmp.resolve("2.tar.gz"));

    assertThat(second.digest()).isEqualTo(first.digest());
    assertThat(second.diffId()).isEqualTo(first.diffId());
    assertThat(LayerWriter.of().withMtime(Instant.EPOCH).writeTree(src, tmp.resolve("3.tar.gz")).diffId())
        .isNotEqualTo(first.diffId());
  }

  @Test
  void writesExplicitEntriesSortedByPath() throws IOException {
    Path source = Files.writeString(tmp.resolve("launcher"), "ELF...");
    List<LayerEntry> entries = List.of(
        LayerEntry.file("/cnb/lifecycle/launcher", source, 0755),
        LayerEntry.directory("/cnb"),
        LayerEntry.directory("/cnb/lifecycle"),
        LayerEntry.symlink("/cnb/process/web", "/cnb/lifecycle/launcher"),
        new LayerEntry.GeneratedFile("/cnb/config", "x=1".getBytes(), 0644, 1000, 1000),
        new LayerEntry.Whiteout("/etc/motd"),
        LayerEntry.file("/workspace/ignored", new byte[0], 0644));
    LayerBlob blob = LayerWriter.of().writeEntries(entries, tmp.resolve("gen.tar.gz"));
    List<LayerEntry> reversed = new ArrayList<>(entries);
    Collections.reverse(reversed);
    LayerBlob again = LayerWriter.of().writeEntries(reversed, tmp.resolve("gen2.tar.gz"));

    assertThat(entries(blob.file())).extracting(TarArchiveEntry::getName).containsExactly(
        "cnb/", "cnb/config", "cnb/lifecycle/", "cnb/lifecycle/launcher", "cnb/process/web", "etc/.wh.motd");
    assertThat(again.digest()).isEqualTo(blob.digest());
    Path dst = tmp.resolve("dst");
    LayerReader.of(LayerReader.WhiteoutMode.APPLY).unpack(blob.file(), dst);
    assertThat(Files.readString(dst.resolve("cnb/lifecycle/launcher"))).isEqualTo("ELF...");
    assertThat(Files.readSymbolicLink(dst.resolve("cnb/process/web"))).isEqualTo(Path.of("/cnb/lifecycle/launcher"));
    assertThat(TreeSnapshot.of(dst, false).get("cnb/config")).contains("uid=1000");
  }

  @Test
  void applyModeDeletesWhitedOutAndOpaquedPaths() throws IOException {
    Path base = Files.createDirectory(tmp.resolve("base"));
    Trees.file(base, "etc/motd", "hi", 0644, 0);
    Trees.file(base, "etc/keep", "k", 0644, 0);
    Trees.file(base, "opq/old", "old", 0644, 0);
    Path rootfs = tmp.resolve("rootfs");
    LayerReader apply = LayerReader.of(LayerReader.WhiteoutMode.APPLY);
    apply.unpack(LayerWriter.of().writeTree(base, tmp.resolve("base.tar.gz")).file(), rootfs);

    Path upper = Files.createDirectory(tmp.resolve("upper"));
    Trees.dir(upper, "etc", 0755);
    FileNodes.mknod(upper.resolve("etc/motd"), 'c', 0, 0);
    Trees.dir(upper, "opq", 0755);
    FileNodes.setOpaque(upper.resolve("opq"));
    Trees.file(upper, "opq/new", "new", 0644, 0);
    apply.unpack(LayerWriter.of().writeTree(upper, tmp.resolve("upper.tar.gz")).file(), rootfs);

    assertThat(rootfs.resolve("etc/motd")).doesNotExist();
    assertThat(rootfs.resolve("etc/keep")).hasContent("k");
    assertThat(rootfs.resolve("opq/old")).doesNotExist();
    assertThat(rootfs.resolve("opq/new")).hasContent("new");
    assertThat(TreeWalk.isOpaque(rootfs.resolve("opq"))).isFalse();
  }

  @Test
  void everyRawHeaderIncludingPaxHeadersIsNormalised() throws IOException {
    Path src = Files.createDirectory(tmp.resolve("src"));
    Trees.fullTree(src);
    LayerBlob blob = LayerWriter.of().writeTree(src, tmp.resolve("layer.tar.gz"));
    byte[] tar;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(blob.file()))) {
      tar = in.readAllBytes();
    }
    List<String> types = new ArrayList<>();
    for (int i = 0; i + 512 <= tar.length && tar[i] != 0; ) {
      String type = new String(tar, i + 156, 1, StandardCharsets.US_ASCII);
      types.add(type);
      assertThat(field(tar, i + 265, 32)).as("uname of header %d", i).isEmpty();
      assertThat(field(tar, i + 297, 32)).as("gname of header %d", i).isEmpty();
      assertThat(Long.parseLong(field(tar, i + 136, 12).trim(), 8)).as("mtime of header %d", i)
          .isEqualTo(LayerWriter.NORMALISED_MTIME.getEpochSecond());
      long size = Long.parseLong(field(tar, i + 124, 12).trim(), 8);
      i += 512 + (int) ((size + 511) / 512 * 512);
    }
    assertThat(types).contains("x");
  }

  private static String field(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
  }

  @Test
  void ignoredPathsCoverTheirSubtreesOnly() {
    IgnoredPaths ignored = IgnoredPaths.PLATFORM;
    assertThat(ignored).accepts("/workspace", "/workspace/a", "/var/run/x", "/layers");
    assertThat(ignored).rejects("/workspaces", "/var", "/var/runx", "/etc/layers");
  }

  static List<TarArchiveEntry> entries(Path layer) throws IOException {
    List<TarArchiveEntry> result = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(layer)))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        result.add(e);
      }
    }
    return result;
  }
}
