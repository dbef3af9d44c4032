package dev.cnbfarm.runtime.loop;

import static dev.cnbfarm.runtime.loop.LoopFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.metrics.HealthServer;
import dev.cnbfarm.runtime.metrics.MeteredImageStore;
import dev.cnbfarm.runtime.testing.TestBroker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker's /metrics after a build-ish flow: the series an operator's dashboard reads, with their values. */
public class WorkerLoopMetricsTest {
  private static TestBroker broker;
  @TempDir Path layout;

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    broker.close();
  }

  @Test
  void metricsShowRecordsInAndOutPerTopicDurationsLagRetriesDlqCacheAndPushedBytes() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MeteredImageStore store = new MeteredImageStore(new OciLayoutImageStore(), registry, "detect");
    LayoutRef repo = LayoutRef.of(layout.resolve("app"), "latest");
    byte[] blob = "a layer's bytes".getBytes(StandardCharsets.UTF_8);
    ScriptedHandler handler = new ScriptedHandler((e, c) -> {
      throw new LifecycleException(FailureCode.DETECT_ERROR, Category.INFRA, "registry 503", null);
    }, (e, c) -> {
      c.meter().layerCache(3, 1);
      store.pushBlob(repo, blob); // uploaded, then already there on the second build
      return ScriptedHandler.exported(e, c);
    });
    try (LoopFixture farm = new LoopFixture(broker, registry)) {
      WorkerLoop<?> loop = farm.start(handler);
      try (HealthServer server = HealthServer.start(0, registry, loop::isAlive, loop::isReady).orElseThrow()) {
        farm.submit("b1");
        farm.submit("b2");
        broker.send(farm.topics.name(Topic.REQUESTED), "junk", new byte[] {1, 2, 3});
        eventually().until(() -> farm.committed() == 3);

        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri("/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        String in = farm.topics.name(Topic.REQUESTED);
        assertThat(value(metrics, "cnbfarm_records_consumed_total{phase=\"detect\",topic=\"" + in + "\"}"))
            .isEqualTo(3);
        assertThat(value(metrics, "cnbfarm_records_produced_total{phase=\"detect\",topic=\""
            + farm.topics.name(Topic.EXPORTED) + "\"}")).isEqualTo(2);
        assertThat(value(metrics, "cnbfarm_records_produced_total{phase=\"detect\",topic=\""
            + farm.topics.dlq(Topic.REQUESTED) + "\"}")).isEqualTo(1);
        assertThat(value(metrics, "cnbfarm_handle_duration_seconds_count{phase=\"detect\"}")).isEqualTo(2);
        assertThat(value(metrics, "cnbfarm_handle_duration_seconds_sum{phase=\"detect\"}")).isPositive()
            .isLessThan(30);
        assertThat(value(metrics, "cnbfarm_consumer_lag{group=\"" + farm.group() + "\",phase=\"detect\"}"))
            .isZero();
        assertThat(value(metrics, "cnbfarm_partitions_assigned{group=\"" + farm.group() + "\",phase=\"detect\"}"))
            .isEqualTo(1);
        assertThat(value(metrics, "cnbfarm_retries_total{code=\"DETECT_ERROR\",phase=\"detect\"}")).isEqualTo(1);
        assertThat(value(metrics, "cnbfarm_dlq_total{category=\"INTERNAL\",phase=\"detect\"}")).isEqualTo(1);
        assertThat(value(metrics, "cnbfarm_layer_cache_total{phase=\"detect\",result=\"hit\"}")).isEqualTo(6);
        assertThat(value(metrics, "cnbfarm_layer_cache_total{phase=\"detect\",result=\"miss\"}")).isEqualTo(2);
        assertThat(value(metrics, "cnbfarm_registry_pushed_bytes_total{phase=\"detect\"}")).isEqualTo(blob.length);
        assertThat(value(metrics, "cnbfarm_registry_blobs_total{outcome=\"uploaded\",phase=\"detect\"}")).isEqualTo(1);
        assertThat(value(metrics, "cnbfarm_registry_blobs_total{outcome=\"existed\",phase=\"detect\"}")).isEqualTo(1);
        assertThat(metrics).doesNotContain("b1");
      }
    }
  }

  /** The value of one series in a Prometheus text scrape; fails naming the series when it is missing. */
  public static double value(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
    assertThat(m.find()).as("series %s in%n%s", series, scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
