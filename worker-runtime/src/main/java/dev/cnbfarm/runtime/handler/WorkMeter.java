package dev.cnbfarm.runtime.handler;

/**
 * What a handler counts of its own work for the worker's {@code /metrics} (style.md §7), without
 * a metrics library in the handler: the loop gives one through {@link HandlerContext#meter()} and
 * turns the counts into Micrometer meters tagged with the phase. Implementations are thread-safe.
 */
public interface WorkMeter {
  /** Counts nothing: the context of a handler run outside a worker loop (a test, a one-shot phase). */
  WorkMeter NONE = (hits, misses) -> {};

  /**
   * Dockerfile steps of one extend: {@code hits} restored from the layer cache, {@code misses}
   * executed (RUN steps that ran).
   */
  void layerCache(int hits, int misses);
}
