package dev.cnbfarm.image.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsCacheEvictionTest {
  private static final DiffId A = layer('a');
  private static final DiffId B = layer('b');
  private static final DiffId C = layer('c');
  private static final DiffId D = layer('d');
  /** One test layer: a 10,000-byte file (about 11 KB as the cache counts). */
  private static final LayerUnpacker TEN_KB = dest -> Files.write(dest.resolve("blob"), new byte[10_000]);
  /** Room for two test layers, not three. */
  private static final long TWO_LAYERS = 25_000;

  @TempDir Path tmp;

  @Test
  void evictsTheLeastRecentlyUsedLayersWhenAnUnpackGoesOverTheBudget() {
    RootfsCache cache = RootfsCache.open(tmp.resolve("rootfs"), TWO_LAYERS, Duration.ZERO);
    cache.layerDir(A, TEN_KB);
    pause();
    cache.layerDir(B, TEN_KB);
    pause();
    cache.layerDir(A, TEN_KB); // a hit: A is now more recently used than B
    pause();

    cache.layerDir(C, TEN_KB);

    assertThat(cache.find(B)).as("the least recently used layer").isEmpty();
    assertThat(cache.find(A)).isPresent();
    assertThat(cache.find(C)).isPresent();
    assertThat(tmp.resolve("rootfs/trash")).isEmptyDirectory();
  }

  @Test
  void aLayerRequestedAgainAfterItsEvictionIsUnpackedAgain() {
    RootfsCache cache = RootfsCache.open(tmp.resolve("rootfs"), TWO_LAYERS, Duration.ZERO);
    AtomicInteger unpacks = new AtomicInteger();
    LayerUnpacker counting = dest -> {
      unpacks.incrementAndGet();
      TEN_KB.unpack(dest);
    };
    cache.layerDir(A, counting);
    pause();
    cache.layerDir(B, TEN_KB);
    pause();
    cache.layerDir(C, TEN_KB);
    assertThat(cache.find(A)).isEmpty();

    Path again = cache.layerDir(A, counting);

    assertThat(unpacks).hasValue(2);
    assertThat(again.resolve("blob")).hasSize(10_000);
  }

  @Test
  void aLayerStackedByALiveStepIsNeverEvictedEvenByAnotherCacheOfThisJvm() {
    Path root = tmp.resolve("rootfs");
    Path a = RootfsCache.open(root).layerDir(A, TEN_KB);
    pause();
    RootfsCache other = RootfsCache.open(root, TWO_LAYERS, Duration.ZERO);

    try (OverlayMount step = ScratchSpace.open(tmp.resolve("scratch")).prepare(RootfsPlan.of(List.of(a)))) {
      other.layerDir(B, TEN_KB);
      pause();
      other.layerDir(C, TEN_KB);

      assertThat(a.resolve("blob")).as("a layer of a running step").exists();
      assertThat(other.find(B)).isEmpty();
    }
    pause(); // the step's end marked A as just used: C goes first, then A
    other.layerDir(D, TEN_KB);
    pause();
    other.layerDir(B, TEN_KB);
    assertThat(other.find(C)).isEmpty();
    assertThat(other.find(A)).as("evictable once the step ended").isEmpty();
  }

  @Test
  void aLayerStackedByAStepOfAnotherProcessIsNeverEvicted() throws IOException {
    Path root = tmp.resolve("rootfs");
    RootfsCache cache = RootfsCache.open(root, TWO_LAYERS, Duration.ZERO);
    Path a = cache.layerDir(A, TEN_KB);
    pause();

    try (StepHolder.Child child = StepHolder.start("hold", tmp.resolve("scratch"), a)) {
      assertThat(child.stepDir()).isNotEmpty();
      cache.layerDir(B, TEN_KB);
      pause();
      cache.layerDir(C, TEN_KB);

      assertThat(a.resolve("blob")).as("a layer of another process's running step").exists();
      assertThat(cache.find(B)).isEmpty();
    }
    pause(); // the step's end marked A as just used: C goes first, then A
    cache.layerDir(D, TEN_KB);
    pause();
    cache.layerDir(B, TEN_KB);
    assertThat(cache.find(C)).isEmpty();
    assertThat(cache.find(A)).as("evictable once that process's step ended").isEmpty();
  }

  @Test
  void recentlyUsedLayersAreKeptEvenOverTheBudget() {
    RootfsCache cache = RootfsCache.open(tmp.resolve("rootfs"), TWO_LAYERS, Duration.ofMinutes(10));
    cache.layerDir(A, TEN_KB);
    cache.layerDir(B, TEN_KB);
    cache.layerDir(C, TEN_KB);

    assertThat(cache.find(A)).isPresent();
  }

  @Test
  void readsTheBudgetFromTheEnvironment() {
    assertThat(LocalCache.maxBytes(Map.of())).isEqualTo(20L << 30);
    assertThat(LocalCache.maxBytes(Map.of("CNBFARM_CACHE_MAX", "512m"))).isEqualTo(512L << 20);
    assertThat(LocalCache.maxBytes(Map.of("CNBFARM_CACHE_MAX", "4096"))).isEqualTo(4096);
    assertThatThrownBy(() -> LocalCache.maxBytes(Map.of("CNBFARM_CACHE_MAX", "lots")))
        .hasMessage("CNBFARM_CACHE_MAX='lots' is not a size (bytes, or a number with k, m or g)");
  }

  private static DiffId layer(char c) {
    return new DiffId(String.valueOf(c).repeat(64));
  }

  /** Lets the file system clock move on, so use times differ. */
  private static void pause() {
    try {
      Thread.sleep(30);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
