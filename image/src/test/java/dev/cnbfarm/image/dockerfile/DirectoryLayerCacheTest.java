package dev.cnbfarm.image.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryLayerCacheTest {
  @TempDir Path dir;

  private LayerBlob layer() throws IOException {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.writeString(tree.resolve("f"), "content");
    return LayerWriter.of().writeTree(tree, dir.resolve("layer.tar.gz"));
  }

  @Test
  void findsWhatWasStoredWithinTheTtl() throws IOException {
    LayerBlob blob = layer();
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    new DirectoryLayerCache(dir.resolve("c"), Duration.ofHours(2), Clock.fixed(now, ZoneOffset.UTC)).store("k1", blob);
    DirectoryLayerCache later = new DirectoryLayerCache(dir.resolve("c"), Duration.ofHours(2),
        Clock.fixed(now.plus(Duration.ofMinutes(119)), ZoneOffset.UTC));
    assertThat(later.find("k1")).hasValueSatisfying(found -> {
      assertThat(found.digest()).isEqualTo(blob.digest());
      assertThat(found.diffId()).isEqualTo(blob.diffId());
      assertThat(found.file()).exists().hasSameBinaryContentAs(blob.file());
    });
    assertThat(later.find("other")).isEmpty();
  }

  @Test
  void anEntryOlderThanTheTtlIsAMissAndIsForgotten() throws IOException {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    new DirectoryLayerCache(dir.resolve("c"), Duration.ofHours(2), Clock.fixed(now, ZoneOffset.UTC)).store("k1", layer());
    DirectoryLayerCache expired = new DirectoryLayerCache(dir.resolve("c"), Duration.ofHours(2),
        Clock.fixed(now.plus(Duration.ofHours(3)), ZoneOffset.UTC));
    assertThat(expired.find("k1")).isEmpty();
    assertThat(dir.resolve("c/index/k1.properties")).doesNotExist();
  }

  @Test
  void aCorruptIndexEntryIsAMiss() throws IOException {
    Files.createDirectories(dir.resolve("c/index"));
    Files.writeString(dir.resolve("c/index/k1.properties"), "digest=not-a-digest\n");
    assertThat(new DirectoryLayerCache(dir.resolve("c"), Duration.ofHours(2), Clock.systemUTC()).find("k1")).isEmpty();
  }
}
