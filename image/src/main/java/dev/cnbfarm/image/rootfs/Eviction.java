package dev.cnbfarm.image.rootfs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Least-recently-used eviction against one byte budget: entries are evicted oldest use first
 * until the measured total fits, skipping those used after a cut-off and those whose own eviction
 * refuses because a live process uses them. One eviction at a time per cache dir: threads of a JVM
 * by a monitor, processes by an exclusive lock on {@code evict.lock}, so two processes never both
 * evict for the same excess. Stateless.
 */
final class Eviction {
  private static final Object JVM = new Object();

  private Eviction() {}

  /** Evicts one entry; returns false, touching nothing, when a live process uses it. */
  interface Evict {
    boolean run() throws IOException;
  }

  /** An evictable entry: its name for logs, the bytes it frees, its last use. */
  record Candidate(String name, long bytes, long usedMillis, Evict evict) {}

  /** What a census of the cache found: the evictable entries and the bytes that are not. */
  record Census(List<Candidate> candidates, long fixedBytes) {
    long totalBytes() {
      return fixedBytes + candidates.stream().mapToLong(Candidate::bytes).sum();
    }
  }

  /** Counts the cache; called while the eviction lock is held. */
  interface Counter {
    Census count() throws IOException;
  }

  /** What one eviction freed and what the cache holds after it. */
  record Outcome(long freedBytes, int entries, long totalBytes) {}

  /**
   * Evicts until the cache fits {@code maxBytes}, sparing entries used after {@code
   * spareUsedAfterMillis} and {@code spare} (a name).
   */
  static Outcome run(Path lockFile, Counter counter, long maxBytes, long spareUsedAfterMillis, String spare)
      throws IOException {
    synchronized (JVM) {
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        Census census = counter.count();
        long total = census.totalBytes();
        long freed = 0;
        int evicted = 0;
        List<Candidate> order = new ArrayList<>(census.candidates());
        order.sort(Comparator.comparingLong(Candidate::usedMillis).thenComparing(Candidate::name));
        for (Candidate c : order) {
          if (total <= maxBytes) {
            break;
          }
          if (c.name().equals(spare) || c.usedMillis() > spareUsedAfterMillis) {
            continue;
          }
          if (c.evict().run()) {
            total -= c.bytes();
            freed += c.bytes();
            evicted++;
          }
        }
        return new Outcome(freed, evicted, total);
      }
    }
  }
}
