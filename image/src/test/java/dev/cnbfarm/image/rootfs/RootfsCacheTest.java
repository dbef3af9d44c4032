package dev.cnbfarm.image.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsCacheTest {
  private static final DiffId LAYER = DiffId.parse("sha256:" + "ab".repeat(32));

  @TempDir Path cacheRoot;

  @Test
  void unpacksALayerIntoADirectoryNamedByItsDiffId() {
    RootfsCache cache = RootfsCache.open(cacheRoot);

    Path dir = cache.layerDir(LAYER, dest -> Files.writeString(dest.resolve("hello"), "hi"));

    assertThat(dir).isEqualTo(cacheRoot.resolve("layers").resolve(LAYER.hex()));
    assertThat(dir.resolve("hello")).hasContent("hi");
    assertThat(cache.find(LAYER)).contains(dir);
  }

  @Test
  void reusesAnUnpackedLayerWithoutCallingTheUnpackerAgain() {
    RootfsCache cache = RootfsCache.open(cacheRoot);
    AtomicInteger calls = new AtomicInteger();
    LayerUnpacker counting = dest -> calls.incrementAndGet();

    cache.layerDir(LAYER, counting);
    cache.layerDir(LAYER, counting);
    RootfsCache.open(cacheRoot).layerDir(LAYER, counting);

    assertThat(calls).hasValue(1);
  }

  @Test
  void concurrentCallersForTheSameDiffIdUnpackOnce() throws Exception {
    RootfsCache cache = RootfsCache.open(cacheRoot);
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    LayerUnpacker slow =
        dest -> {
          calls.incrementAndGet();
          sleep(100);
          Files.writeString(dest.resolve("f"), "x");
        };
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Path>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return cache.layerDir(LAYER, slow);
                }));
      }
      start.countDown();
      for (Future<Path> result : results) {
        assertThat(result.get(10, TimeUnit.SECONDS).resolve("f")).hasContent("x");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(calls).hasValue(1);
  }

  @Test
  void failedUnpackLeavesNeitherLayerNorStagingDir() {
    RootfsCache cache = RootfsCache.open(cacheRoot);

    assertThatThrownBy(
            () ->
                cache.layerDir(
                    LAYER,
                    dest -> {
                      Files.writeString(dest.resolve("partial"), "x");
                      throw new IOException("truncated tar");
                    }))
        .isInstanceOf(UncheckedIOException.class)
        .hasRootCauseMessage("truncated tar");

    assertThat(cache.find(LAYER)).isEmpty();
    assertThat(cacheRoot.resolve("staging")).isEmptyDirectory();
  }

  @Test
  void halfUnpackedStagingDirOfAKilledWorkerIsSweptOnOpenAndNeverUsed() throws IOException {
    Path stale = cacheRoot.resolve("staging").resolve(LAYER.hex() + ".dead-worker");
    Files.createDirectories(stale);
    Files.writeString(stale.resolve("half"), "x");

    RootfsCache cache = RootfsCache.open(cacheRoot);

    assertThat(stale).doesNotExist();
    assertThat(cache.find(LAYER)).isEmpty();
    Path dir = cache.layerDir(LAYER, dest -> Files.writeString(dest.resolve("whole"), "y"));
    assertThat(dir.resolve("half")).doesNotExist();
    assertThat(dir.resolve("whole")).exists();
  }

  @Test
  void rejectsMalformedDiffIds() {
    assertThatThrownBy(() -> DiffId.parse("sha256:XYZ")).hasMessageContaining("XYZ");
    assertThatThrownBy(() -> DiffId.parse("md5:" + "a".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
