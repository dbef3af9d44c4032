package dev.cnbfarm.runtime.loop;

import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.runtime.handler.WorkMeter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The loop's meters (style.md §7). Tags are few-valued: phase, outcome, failure code, category,
 * group; never a build id. Thread-safe.
 */
final class LoopMetrics {
  /** What became of a record, the {@code outcome} tag of {@code cnbfarm.records}. */
  enum RecordOutcome {
    /** Outputs produced and committed. */
    HANDLED,
    /** A user error or build outcome: BuildFailed, committed, no retry. */
    FAILED,
    /** Retries exhausted: BuildFailed (INFRA) and a DLQ copy. */
    EXHAUSTED,
    /** A bug: BuildFailed (INTERNAL) and a DLQ copy. */
    INTERNAL,
    /** Undecodable: DLQ copy only. */
    POISON,
    /** Interrupted or revoked: nothing produced or committed. */
    ABANDONED,
    /** The outputs could not be produced: not committed, handled again. */
    UNPRODUCED;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final String phase;
  private final Timer duration;
  private final AtomicLong lag = new AtomicLong();
  private final AtomicLong assigned = new AtomicLong();
  private final Counter rebalances;
  private final Gauge lagGauge;
  private final Gauge assignedGauge;

  LoopMetrics(MeterRegistry registry, String phase, String group) {
    this.registry = registry;
    this.phase = phase;
    this.duration = Timer.builder("cnbfarm.handle.duration").description("one record's handler run, retries included")
        .tag("phase", phase).register(registry);
    this.lagGauge = Gauge.builder("cnbfarm.consumer.lag", lag, AtomicLong::get)
        .description("records not yet consumed on the partitions this loop owns").tags("phase", phase, "group", group)
        .register(registry);
    this.assignedGauge = Gauge.builder("cnbfarm.partitions.assigned", assigned, AtomicLong::get)
        .tags("phase", phase, "group", group).register(registry);
    this.rebalances = Counter.builder("cnbfarm.rebalances").description("partitions revoked from this loop")
        .tag("phase", phase).register(registry);
    for (RecordOutcome o : RecordOutcome.values()) {
      records(o); // every outcome from 0, so a rate query sees the series before the first event
    }
  }

  private Counter records(RecordOutcome outcome) {
    return Counter.builder("cnbfarm.records").description("input records by what became of them")
        .tags("phase", phase, "outcome", outcome.tag()).register(registry);
  }

  void record(RecordOutcome outcome) {
    records(outcome).increment();
  }

  void handled(Duration took) {
    duration.record(took);
  }

  void retry(String code) {
    registry.counter("cnbfarm.retries", "phase", phase, "code", code).increment();
  }

  void dlq(Category category) {
    registry.counter("cnbfarm.dlq", "phase", phase, "category", category.name()).increment();
  }

  void lag(long records, int partitions) {
    lag.set(records);
    assigned.set(partitions);
  }

  /** Removes the gauges of a stopped loop, so a later loop of the same group in this process shows its own. */
  void close() {
    registry.remove(lagGauge);
    registry.remove(assignedGauge);
  }

  /** A record read from {@code topic} and begun (decoded or not). */
  void consumed(String topic) {
    registry.counter("cnbfarm.records.consumed", "phase", phase, "topic", topic).increment();
  }

  /** Records acknowledged on {@code topic} (outputs, failures, DLQ copies; not the build log). */
  void produced(String topic, int records) {
    registry.counter("cnbfarm.records.produced", "phase", phase, "topic", topic).increment(records);
  }

  /** The handler's own counts, as meters of this phase. */
  WorkMeter work() {
    return (hits, misses) -> {
      layerCache("hit").increment(hits);
      layerCache("miss").increment(misses);
    };
  }

  private Counter layerCache(String result) {
    return layerCache(registry, phase, result);
  }

  /** {@code cnbfarm.layer.cache{phase,result=hit|miss}}: Dockerfile steps restored from or run past the cache. */
  static Counter layerCache(MeterRegistry registry, String phase, String result) {
    return Counter.builder("cnbfarm.layer.cache").description("extend Dockerfile steps: restored from the layer "
        + "cache (hit) or executed (miss)").tags("phase", phase, "result", result).register(registry);
  }

  void rebalanced() {
    rebalances.increment();
  }
}
