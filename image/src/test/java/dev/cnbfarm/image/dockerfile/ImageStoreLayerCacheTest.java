package dev.cnbfarm.image.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.RegistryImageStore;
import dev.cnbfarm.image.store.RegistrySettings;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.LocalRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The farm-shared layer cache in a real registry and in an OCI layout. */
class ImageStoreLayerCacheTest {
  @TempDir static Path dir;
  static LocalRegistry registry;
  static RoutingImageStore store;
  static LayerBlob blob;
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @BeforeAll
  static void start() throws IOException {
    registry = LocalRegistry.start();
    store = new RoutingImageStore(new OciLayoutImageStore(), RegistryImageStore.of(RegistrySettings.defaults()));
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.writeString(tree.resolve("f"), "cached content");
    blob = LayerWriter.of().writeTree(tree, dir.resolve("layer.tar.gz"));
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  private static ImageStoreLayerCache cache(ImageRef repo, String blobDir, Instant now) {
    return new ImageStoreLayerCache(store, repo, dir.resolve(blobDir), Duration.ofHours(1), Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void aSecondWorkerFindsTheLayerAndFetchesItsBlob() throws IOException {
    for (ImageRef repo : List.of(ImageRef.parse(registry.host() + "/cnbfarm/layer-cache"),
        LayoutRef.of(dir.resolve("cache-layout"), "unused"))) {
      String key = "a".repeat(64);
      cache(repo, "worker1-" + repo.hashCode(), NOW).store(key, blob);

      var found = cache(repo, "worker2-" + repo.hashCode(), NOW.plusSeconds(60)).find(key);

      assertThat(found).as("in %s", repo).hasValueSatisfying(b -> {
        assertThat(b.digest()).isEqualTo(blob.digest());
        assertThat(b.diffId()).isEqualTo(blob.diffId());
        assertThat(b.file()).hasSameBinaryContentAs(blob.file());
      });
      assertThat(cache(repo, "w3", NOW).find("b".repeat(64))).isEmpty();
      assertThat(cache(repo, "w4", NOW.plus(Duration.ofHours(2))).find(key)).as("expired").isEmpty();
    }
  }

  @Test
  void anEntryCarriesTheNormalisedImageTimeInItsHistory() {
    LayoutRef repo = LayoutRef.of(dir.resolve("history-layout"), "unused");
    cache(repo, "history", NOW).store("c".repeat(64), blob);

    assertThat(store.read(LayoutRef.of(repo.directory(), "layer-" + "c".repeat(64))).config().history())
        .extracting(ImageConfig.History::created).containsExactly("1980-01-01T00:00:01Z");
  }
}
