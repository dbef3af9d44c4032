package dev.cnbfarm.runtime.join;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * The join's meters, named as the consumer loop's (style.md §7) so one dashboard shows every role:
 * {@code cnbfarm.records.consumed/produced{phase,topic}}, {@code cnbfarm.handle.duration{phase}},
 * {@code cnbfarm.retries}, {@code cnbfarm.dlq} and {@code cnbfarm.consumer.lag{phase,group}}, the
 * last read from the stream thread's consumer ({@code records-lag} of its partitions). Thread-safe.
 */
final class JoinMetrics {
  private final MeterRegistry registry;
  private final String phase;
  private final Timer duration;

  JoinMetrics(MeterRegistry registry, String phase) {
    this.registry = registry;
    this.phase = phase;
    this.duration = Timer.builder("cnbfarm.handle.duration").description("one record's handler run, retries included")
        .tag("phase", phase).register(registry);
  }

  void consumed(String topic) {
    registry.counter("cnbfarm.records.consumed", "phase", phase, "topic", topic).increment();
  }

  void produced(String topic) {
    registry.counter("cnbfarm.records.produced", "phase", phase, "topic", topic).increment();
  }

  void handled(Duration took, boolean failed) {
    duration.record(took);
    registry.counter("cnbfarm.records", "phase", phase, "outcome", failed ? "failed" : "handled").increment();
  }

  void retry(String code) {
    registry.counter("cnbfarm.retries", "phase", phase, "code", code).increment();
  }

  void poison() {
    registry.counter("cnbfarm.records", "phase", phase, "outcome", "poison").increment();
    registry.counter("cnbfarm.dlq", "phase", phase, "category", "INTERNAL").increment();
  }

  /** The lag gauge over the app's client metrics; removed by the returned handle. */
  Gauge lag(String group, Supplier<Map<MetricName, ? extends Metric>> metrics) {
    return Gauge.builder("cnbfarm.consumer.lag", () -> lagOf(metrics.get()))
        .description("records not yet consumed on the partitions this loop owns").tags("phase", phase, "group", group)
        .register(registry);
  }

  /** The sum of the main consumer's per-partition {@code records-lag} (the restore consumer's are left out). */
  static double lagOf(Map<MetricName, ? extends Metric> metrics) {
    double lag = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      MetricName name = e.getKey();
      String client = name.tags().getOrDefault("client-id", "");
      if (name.name().equals("records-lag") && name.group().equals("consumer-fetch-manager-metrics")
          && name.tags().containsKey("partition") && !client.endsWith("restore-consumer")
          && e.getValue().metricValue() instanceof Number n && !Double.isNaN(n.doubleValue())) {
        lag += n.doubleValue();
      }
    }
    return lag;
  }
}
