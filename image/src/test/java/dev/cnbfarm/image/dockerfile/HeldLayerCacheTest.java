package dev.cnbfarm.image.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeldLayerCacheTest {
  @TempDir Path tmp;

  @Test
  void aHitIsReturnedFromTheHeldDirSoEvictingTheCachesCopyLeavesItReadable() throws IOException {
    DirectoryLayerCache local = new DirectoryLayerCache(tmp.resolve("layer-cache"), Duration.ofDays(1),
        Clock.systemUTC());
    Path held = Files.createDirectories(tmp.resolve("blobs/mine"));
    local.store("k", blob("one"));
    HeldLayerCache cache = new HeldLayerCache(local, held);

    LayerBlob hit = cache.find("k").orElseThrow();
    Files.delete(local.find("k").orElseThrow().file()); // evicted from the layer cache

    assertThat(hit.file().getParent()).isEqualTo(held);
    assertThat(hit.file()).hasContent("one");
  }

  @Test
  void aHitWhoseBlobWasEvictedBeforeItCouldBeHeldIsAMiss() throws IOException {
    LayerBlob gone = blob("two");
    LayerCache evicting = new LayerCache() {
      @Override
      public Optional<LayerBlob> find(String key) {
        try {
          Files.delete(gone.file());
        } catch (IOException e) {
          throw new AssertionError(e);
        }
        return Optional.of(gone);
      }

      @Override
      public void store(String key, LayerBlob blob) {}
    };

    assertThat(new HeldLayerCache(evicting, Files.createDirectories(tmp.resolve("held"))).find("k")).isEmpty();
  }

  private LayerBlob blob(String text) throws IOException {
    Path file = Files.writeString(tmp.resolve(text + ".tar.gz"), text);
    Digest digest = Digest.of(Files.readAllBytes(file));
    return new LayerBlob(file, digest, digest, Files.size(file));
  }
}
