package dev.cnbfarm.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private int status(HealthServer server, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void probesFollowTheirChecksAndUnknownPathsAre404() throws Exception {
    AtomicBoolean alive = new AtomicBoolean(true);
    AtomicBoolean ready = new AtomicBoolean(false);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.counter("cnbfarm.example").increment();
    try (HealthServer server = HealthServer.start(0, registry, alive::get, ready::get).orElseThrow()) {
      assertThat(server.port()).isPositive();
      assertThat(status(server, "/healthz")).isEqualTo(200);
      assertThat(status(server, "/readyz")).isEqualTo(503);
      ready.set(true);
      alive.set(false);
      assertThat(status(server, "/readyz")).isEqualTo(200);
      assertThat(status(server, "/healthz")).isEqualTo(503);
      assertThat(status(server, "/metricsx")).isEqualTo(404);
      assertThat(http.send(HttpRequest.newBuilder(server.uri("/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body()).contains("cnbfarm_example_total 1.0");
    }
  }

  @Test
  void listensOnEveryInterfaceWhenAskedForTheWildcardAddress() throws Exception {
    // a kubelet probes the pod's IP, never its loopback: CNBFARM_METRICS_ADDRESS=0.0.0.0
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (HealthServer server = HealthServer.start(InetAddress.getByName("0.0.0.0"), 0, registry, () -> true,
        () -> true).orElseThrow()) {
      assertThat(server.address().isAnyLocalAddress()).isTrue();
      assertThat(status(server, "/healthz")).isEqualTo(200);
    }
  }

  @Test
  void listensOnTheLoopbackOnlyByDefault() {
    try (HealthServer server = HealthServer.start(0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        () -> true, () -> true).orElseThrow()) {
      assertThat(server.address().isLoopbackAddress()).isTrue();
    }
  }

  @Test
  void aNegativePortIsOff() {
    assertThat(HealthServer.start(-1, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true,
        () -> true)).isEmpty();
  }
}
