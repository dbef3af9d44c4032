package dev.cnbfarm.image.rootfs;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code cnbfarm cache prune}: evicts least recently used unpacked layers and layer-cache blobs of
 * a {@link LocalCache} until it fits a budget, with the same guards as the eviction after an
 * unpack (a layer pinned by a live step, a blob a live process holds and a live download are never
 * touched). With {@code all} the budget is zero; the recent-use window (which shields a running
 * job's layers between its steps) is then waived only when no other process uses the cache dir.
 * Stateless.
 */
public final class CachePrune {
  private CachePrune() {}

  /** What a prune freed, and what the cache holds after it against the budget it pruned to. */
  public record Result(long freedBytes, int entries, long totalBytes, long budgetBytes) {}

  /** Prunes {@code cache} to {@code budgetBytes}, or to nothing that is not in use if {@code all}. */
  public static Result run(LocalCache cache, long budgetBytes, boolean all) {
    if (budgetBytes < 0) {
      throw new IllegalArgumentException("negative cache budget");
    }
    try {
      long budget = all ? 0 : budgetBytes;
      long spareUsedAfter = all && !cache.othersLive() ? Long.MAX_VALUE : cache.rootfs().spareUsedAfter();
      Eviction.Outcome outcome = cache.evict(budget, spareUsedAfter, "");
      return new Result(outcome.freedBytes(), outcome.entries(), outcome.totalBytes(), budget);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prune the cache dir " + cache.root() + ": " + e.getMessage(), e);
    }
  }
}
