package dev.cnbfarm.image.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCacheTest {
  private static final DiffId A = layer('a');
  private static final DiffId B = layer('b');
  private static final DiffId C = layer('c');
  /** One test layer: a 10,000-byte file (about 11 KB as the cache counts). */
  private static final LayerUnpacker TEN_KB = dest -> Files.write(dest.resolve("blob"), new byte[10_000]);
  /** Room for two test layers or blobs, not three. */
  private static final long TWO_ENTRIES = 25_000;

  @TempDir Path tmp;

  @Test
  void aLiveProcessKeepsEveryEntryWhileAnotherOpensAndPrunesTheCacheAndBothSucceed() throws Exception {
    Path dir = tmp.resolve("cache");
    try (CacheHolder.Child extender = CacheHolder.start(dir)) {
      // What `cnbfarm run` does on the same dir while the extend runs: open it, load a layer.
      try (LocalCache run = LocalCache.open(dir, TWO_ENTRIES, Duration.ZERO)) {
        Path mine = run.rootfs().layerDir(A, TEN_KB);
        pause();

        CachePrune.Result pruned = CachePrune.run(run, 0, true);

        assertThat(extender.stepDir().resolve("upper")).as("the extender's running step").isDirectory();
        assertThat(extender.layerDir().resolve("blob")).as("the layer its step stacks").hasSize(10_000);
        assertThat(extender.blob()).as("a blob in its blob dir").hasSize(10_000);
        assertThat(extender.download()).as("its download in progress").hasSize(10_000);
        assertThat(mine).as("an unpinned layer of nobody's step").doesNotExist();
        assertThat(pruned.entries()).isEqualTo(1);
        assertThat(pruned.totalBytes()).as("what is in use stays, over the budget of 0").isPositive();
      }
      assertThat(extender.finish()).as("the extender's exit code").isZero();
    }
    assertThat(dir.resolve("blobs")).as("the extender closed its blob dir").isEmptyDirectory();
    assertThat(dir.resolve("scratch")).isEmptyDirectory();
  }

  @Test
  void theEntriesOfAKilledProcessAreSweptAtTheNextOpenAndItsLayerBecomesEvictable() throws Exception {
    Path dir = tmp.resolve("cache");
    CacheHolder.Child killed = CacheHolder.start(dir);
    killed.kill();
    assertThat(killed.stepDir()).isDirectory();

    try (LocalCache next = LocalCache.open(dir, Map.of())) {
      assertThat(killed.stepDir()).as("a dead process's step dir").doesNotExist();
      assertThat(Path.of(killed.stepDir() + ".lock")).doesNotExist();
      assertThat(killed.blob().getParent()).as("its blob dir").doesNotExist();
      assertThat(Path.of(killed.blob().getParent() + ".lock")).doesNotExist();
      assertThat(killed.download()).as("its download").doesNotExist();
      assertThat(next.rootfs().find(CacheHolder.LAYER)).as("a complete layer is a cache entry").isPresent();

      CachePrune.Result pruned = CachePrune.run(next, next.maxBytes(), true);

      assertThat(next.rootfs().find(CacheHolder.LAYER))
          .as("just used, but no live process uses the cache: --all takes it").isEmpty();
      assertThat(pruned.entries()).isEqualTo(1);
      assertThat(pruned.freedBytes()).isGreaterThan(10_000);
    }
  }

  @Test
  void evictionKeepsOneBudgetOverLayersAndBlobs() throws IOException {
    try (LocalCache cache = LocalCache.open(tmp.resolve("cache"), TWO_ENTRIES, Duration.ZERO)) {
      Path cachedBlob = Files.createDirectories(cache.layerCache().resolve("blobs")).resolve("1.tar.gz");
      Files.write(cachedBlob, new byte[10_000]);
      pause();
      cache.rootfs().layerDir(A, TEN_KB);
      pause();
      assertThat(total(cache)).as("a blob and a layer fit").isLessThanOrEqualTo(TWO_ENTRIES);

      cache.rootfs().layerDir(B, TEN_KB);

      assertThat(cachedBlob).as("the least recently used entry, a blob").doesNotExist();
      assertThat(cache.rootfs().find(A)).isPresent();
      assertThat(total(cache)).isLessThanOrEqualTo(TWO_ENTRIES);

      Files.write(cache.blobs().resolve("mine.tar.gz"), new byte[10_000]);
      pause();
      cache.rootfs().layerDir(C, TEN_KB);

      assertThat(cache.rootfs().find(A)).isEmpty();
      assertThat(cache.rootfs().find(B)).isEmpty();
      assertThat(cache.rootfs().find(C)).as("the layer just unpacked").isPresent();
      assertThat(cache.blobs().resolve("mine.tar.gz")).as("a blob of a live process").exists();
      assertThat(total(cache)).isLessThanOrEqualTo(TWO_ENTRIES);
    }
  }

  @Test
  void aLayerCacheBlobLinkedIntoALiveBlobDirIsNeverEvicted() throws IOException {
    Path dir = tmp.resolve("cache");
    try (LocalCache extend = LocalCache.open(dir, TWO_ENTRIES, Duration.ZERO)) {
      Path cachedBlob = Files.createDirectories(extend.layerCache().resolve("blobs")).resolve("1.tar.gz");
      Files.write(cachedBlob, new byte[10_000]);
      Files.createLink(extend.blobs().resolve("1.tar.gz"), cachedBlob); // a hit the extend reads

      try (LocalCache prune = LocalCache.open(dir, 0, Duration.ZERO)) {
        CachePrune.Result held = CachePrune.run(prune, 0, true);
        assertThat(cachedBlob).as("a layer-cache blob in use").exists();
        assertThat(held.entries()).isZero();
        assertThat(held.totalBytes()).as("counted once, with the blob dir").isEqualTo(10_000);

        Files.delete(extend.blobs().resolve("1.tar.gz")); // the extend is done with it
        CachePrune.run(prune, 0, true);
        assertThat(cachedBlob).doesNotExist();
      }
    }
  }

  @Test
  void pruneAllSparesRecentlyUsedLayersWhileAnotherProcessUsesTheCache() {
    Path dir = tmp.resolve("cache");
    LocalCache extend = LocalCache.open(dir, Map.of());
    extend.rootfs().layerDir(A, TEN_KB); // loaded, between two steps: held without a pin

    try (LocalCache prune = LocalCache.open(dir, Map.of())) {
      CachePrune.run(prune, 0, true);
      assertThat(prune.rootfs().find(A)).as("a layer a live job may be about to stack").isPresent();

      extend.close();
      CachePrune.run(prune, 0, true);
      assertThat(prune.rootfs().find(A)).as("no other process uses the cache any more").isEmpty();
    }
  }

  @Test
  void readsTheCacheDirAndRejectsABadBudgetNamingTheSetting() {
    assertThat(LocalCache.dir(Map.of("CNBFARM_CACHE_DIR", "/x/c"))).isEqualTo(Path.of("/x/c"));
    assertThat(LocalCache.dir(Map.of("XDG_CACHE_HOME", "/x"))).isEqualTo(Path.of("/x/cnbfarm"));
    assertThat(LocalCache.dir(Map.of("HOME", "/h"))).isEqualTo(Path.of("/h/.cache/cnbfarm"));
    assertThatThrownBy(() -> LocalCache.open(tmp, Map.of("CNBFARM_CACHE_MAX", "1t")))
        .hasMessage("CNBFARM_CACHE_MAX='1t' is not a size (bytes, or a number with k, m or g)");
  }

  private static long total(LocalCache cache) {
    return CachePrune.run(cache, Long.MAX_VALUE, false).totalBytes();
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
