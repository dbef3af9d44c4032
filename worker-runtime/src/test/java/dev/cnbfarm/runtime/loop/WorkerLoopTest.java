package dev.cnbfarm.runtime.loop;

import static dev.cnbfarm.runtime.loop.LoopFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.runtime.EventIds;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.admin.TopicAdmin;
import dev.cnbfarm.runtime.handler.HandlerResult;
import dev.cnbfarm.runtime.metrics.HealthServer;
import dev.cnbfarm.runtime.settings.WorkerSettings;
import dev.cnbfarm.runtime.testing.TestBroker;
import dev.cnbfarm.schemas.BuildExported;
import dev.cnbfarm.schemas.BuildLog;
import dev.cnbfarm.schemas.LogStream;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The loop against a real in-process broker: delivery, restarts, long handlers, the build log, metrics. */
class WorkerLoopTest {
  private static TestBroker broker;
  private LoopFixture farm;

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    broker.close();
  }

  @AfterEach
  void closeLoops() throws InterruptedException {
    if (farm != null) {
      farm.close();
    }
  }

  @Test
  void producesTheOutputsCommitsAndRedeliversNothingAfterARestart() throws Exception {
    farm = new LoopFixture(broker);
    ScriptedHandler handler = ScriptedHandler.succeeding();
    WorkerLoop<?> first = farm.start(handler);

    farm.submit("b1");

    eventually().until(() -> farm.events(Topic.EXPORTED).size() == 1);
    eventually().until(() -> farm.committed() == 1);
    BuildExported out = (BuildExported) farm.events(Topic.EXPORTED).get(0);
    assertThat(out.getBuildId()).isEqualTo("b1");
    assertThat(out.getProducer()).isEqualTo("test-worker");
    assertThat(new String(farm.records(farm.topics.name(Topic.EXPORTED)).get(0).key())).isEqualTo("b1");
    first.close();

    farm.start(handler);
    farm.submit("b2");
    eventually().until(() -> handler.calls("b2") == 1);
    assertThat(handler.handled).containsExactly("b1", "b2");
    eventually().until(() -> farm.committed() == 2);
  }

  /**
   * The loop must take up a finished handler's result at once, not at the next poll timeout (1 s):
   * the handler thread's wake-up of the poll thread has to come after its future is done, or the
   * woken poll thread can find it not done yet and sleep a whole poll before producing (seen by
   * scripts/bench pipeline, part (c): p99 of a hop 2.1 s, a quarter of the hops over 50 ms). Two
   * loops in a row, one event every 10 ms: the hop is from loop A's handler returning to loop B's
   * handler starting.
   */
  @Test
  void passesAFinishedHandlersOutputOnAtOnceNotAtTheNextPollTimeout() throws Exception {
    farm = new LoopFixture(broker);
    // eight partitions, as the farm's topics have
    Map<String, String> eight = Map.of("CNBFARM_TOPIC_PREFIX", farm.prefix + "-hop", "CNBFARM_TOPIC_PARTITIONS", "8");
    WorkerSettings settings = farm.settings(eight);
    TopicAdmin.ensureTopics(settings.kafka());
    Map<String, Long> returned = new java.util.concurrent.ConcurrentHashMap<>();
    List<Long> hopsMs = new java.util.concurrent.CopyOnWriteArrayList<>();
    farm.start(new ScriptedHandler((event, context) -> {
      HandlerResult out = ScriptedHandler.exported(event, context);
      returned.put(event.getBuildId(), System.nanoTime());
      return out;
    }), eight);
    try (WorkerLoop<BuildExported> next = WorkerLoop.create(new Arrival(returned, hopsMs), Topic.EXPORTED,
        farm.prefix + "-next", settings, farm.registry)) {
      next.start();
      eventually().until(next::isReady);
      int events = 300;
      for (int i = 0; i < events; i++) {
        broker.send(settings.kafka().topics().name(Topic.REQUESTED), "hop" + i,
            farm.codec.encode(LoopFixture.requested("hop" + i)));
        Thread.sleep(10);
      }

      eventually().atMost(Duration.ofMinutes(2)).until(() -> hopsMs.size() == events);
      assertThat(hopsMs.stream().filter(ms -> ms > 500).count()).as("hops over 500 ms of %s", hopsMs)
          .isLessThanOrEqualTo(3);
    }
  }

  /** The second loop's handler: the time from the first loop's handler return to here. */
  private record Arrival(Map<String, Long> returned, List<Long> hopsMs)
      implements dev.cnbfarm.runtime.handler.PhaseHandler<BuildExported> {
    @Override
    public String phase() {
      return "next";
    }

    @Override
    public Class<BuildExported> input() {
      return BuildExported.class;
    }

    @Override
    public HandlerResult handle(BuildExported event, dev.cnbfarm.runtime.handler.HandlerContext context) {
      long now = System.nanoTime();
      hopsMs.add((now - returned.get(event.getBuildId())) / 1_000_000);
      return HandlerResult.none();
    }
  }

  @Test
  void aHandlerLongerThanMaxPollIntervalKeepsTheMembership() throws Exception {
    farm = new LoopFixture(broker);
    ScriptedHandler handler = new ScriptedHandler((event, context) -> {
      Thread.sleep(10_000);
      return ScriptedHandler.exported(event, context);
    });
    farm.start(handler, Map.of("CNBFARM_KAFKA_MAX_POLL_INTERVAL_MS", "6000"));

    farm.submit("slow");

    eventually().atMost(Duration.ofSeconds(60)).until(() -> farm.committed() == 1);
    assertThat(farm.events(Topic.EXPORTED)).hasSize(1);
    assertThat(handler.calls()).isEqualTo(1);
    assertThat(farm.registry.get("cnbfarm.rebalances").counter().count()).isZero();
  }

  @Test
  void shutdownDuringAHandlerCommitsNothingAndTheNextLoopHandlesItAgain() throws Exception {
    farm = new LoopFixture(broker);
    CountDownLatch running = new CountDownLatch(1);
    ScriptedHandler handler = new ScriptedHandler((event, context) -> {
      running.countDown();
      Thread.sleep(60_000);
      return ScriptedHandler.exported(event, context);
    }, ScriptedHandler::exported);
    WorkerLoop<?> first = farm.start(handler);
    farm.submit("b1");
    eventually().until(() -> running.getCount() == 0);

    first.close();

    assertThat(first.isAlive()).isFalse();
    assertThat(farm.committed()).isZero();
    assertThat(farm.events(Topic.EXPORTED)).isEmpty();
    farm.start(handler);
    eventually().until(() -> farm.committed() == 1);
    assertThat(handler.calls("b1")).isEqualTo(2);
    assertThat(farm.events(Topic.EXPORTED)).hasSize(1);
  }

  @Test
  void aShutdownWaitsForAHandlerThatEndsWithinTheGrace() throws Exception {
    farm = new LoopFixture(broker);
    CountDownLatch running = new CountDownLatch(1);
    ScriptedHandler handler = new ScriptedHandler((event, context) -> {
      running.countDown();
      Thread.sleep(1_000);
      return ScriptedHandler.exported(event, context);
    });
    WorkerLoop<?> loop = farm.start(handler, Map.of("CNBFARM_SHUTDOWN_GRACE", "20s"));
    farm.submit("b1");
    eventually().until(() -> running.getCount() == 0);

    loop.close();

    assertThat(farm.committed()).isEqualTo(1);
    assertThat(farm.events(Topic.EXPORTED)).hasSize(1);
  }

  @Test
  void workOfARevokedPartitionIsLeftToItsNewOwner() throws Exception {
    farm = new LoopFixture(broker, new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), 2);
    CountDownLatch running = new CountDownLatch(1);
    ScriptedHandler.Step slow = (event, context) -> {
      running.countDown();
      Thread.sleep(8_000);
      return ScriptedHandler.exported(event, context);
    };
    farm.submit("p0", 0);
    farm.submit("p1", 1);
    Map<String, String> grace = Map.of("CNBFARM_SHUTDOWN_GRACE", "20s");
    farm.start(new ScriptedHandler(slow), grace); // its first poll fetches both: one runs, the other waits
    eventually().until(() -> running.getCount() == 0);

    // one of the two partitions moves to the second loop: the running record's (its run is
    // interrupted and discarded) or the waiting one's (dropped from the first loop's queue)
    farm.start(new ScriptedHandler(slow), grace);

    eventually().atMost(Duration.ofSeconds(60)).until(() -> farm.committed() == 2);
    farm.close(); // graceful: whatever either loop still runs ends and is produced
    assertThat(farm.events(Topic.EXPORTED)).map(e -> ((BuildExported) e).getBuildId())
        .containsExactlyInAnyOrder("p0", "p1");
    assertThat(farm.registry.get("cnbfarm.rebalances").counter().count()).isPositive();
  }

  @Test
  void logLinesReachTheLogsTopicNumberedFromZero() throws Exception {
    farm = new LoopFixture(broker);
    ScriptedHandler handler = new ScriptedHandler((event, context) -> {
      context.log().info("detecting");
      context.log().debug("per-buildpack detail");
      context.log().warn("a warning");
      context.log().info("done");
      return HandlerResult.none();
    });
    farm.start(handler);

    farm.submit("b1");

    eventually().until(() -> farm.events(Topic.LOGS).size() == 3);
    List<BuildLog> lines = farm.events(Topic.LOGS).stream().map(BuildLog.class::cast).toList();
    assertThat(lines).extracting(BuildLog::getSequence).containsExactly(0L, 1L, 2L);
    assertThat(lines).extracting(BuildLog::getLine).containsExactly("detecting", "a warning", "done");
    assertThat(lines).extracting(BuildLog::getStream).containsExactly(LogStream.STDOUT, LogStream.STDERR,
        LogStream.STDOUT);
    assertThat(lines.get(1).getEventId()).isEqualTo(EventIds.of("b1", "log-detect-1", 1));
    assertThat(lines).allSatisfy(l -> assertThat(l.getPhase()).isEqualTo("detect"));
  }

  @Test
  void theMetricsEndpointShowsTheRecordsAndTheirDuration() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    farm = new LoopFixture(broker, registry);
    WorkerLoop<?> loop = farm.start(ScriptedHandler.succeeding());
    try (HealthServer server = HealthServer.start(0, registry, loop::isAlive, loop::isReady).orElseThrow()) {
      farm.submit("b1");
      eventually().until(() -> farm.committed() == 1);

      HttpClient http = HttpClient.newHttpClient();
      String metrics = http.send(HttpRequest.newBuilder(server.uri("/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).contains("cnbfarm_records_total{outcome=\"handled\",phase=\"detect\"} 1.0")
          .contains("cnbfarm_handle_duration_seconds_count{phase=\"detect\"} 1")
          .contains("cnbfarm_consumer_lag{group=\"" + farm.group() + "\",phase=\"detect\"}")
          .doesNotContain("b1");
      assertThat(http.send(HttpRequest.newBuilder(server.uri("/healthz")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      assertThat(http.send(HttpRequest.newBuilder(server.uri("/readyz")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      loop.close();
      assertThat(http.send(HttpRequest.newBuilder(server.uri("/healthz")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
    }
  }
}
