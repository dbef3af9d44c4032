package dev.cnbfarm.runtime.join;

import static dev.cnbfarm.runtime.loop.WorkerLoopMetricsTest.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.Topics;
import dev.cnbfarm.runtime.broker.EmbeddedBroker;
import dev.cnbfarm.runtime.failure.RetryPolicy;
import dev.cnbfarm.runtime.handler.HandlerContext;
import dev.cnbfarm.runtime.handler.HandlerResult;
import dev.cnbfarm.runtime.handler.JoinHandler;
import dev.cnbfarm.schemas.BuildBuilt;
import dev.cnbfarm.schemas.BuildExported;
import dev.cnbfarm.schemas.BuildFailed;
import dev.cnbfarm.schemas.BuildLog;
import dev.cnbfarm.schemas.FailureCategory;
import dev.cnbfarm.schemas.RunImageReady;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JoinLoopTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final RetryPolicy FAST_RETRY = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20),
      Duration.ofSeconds(5));
  private static final AtomicLong PREFIXES = new AtomicLong();
  private static EmbeddedBroker broker;
  private static TopicRecords records;

  @TempDir Path state;
  private Topics topics;
  private JoinLoop loop;
  private final FakeExport handler = new FakeExport();

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedBroker.start();
    records = new TopicRecords(broker.bootstrap());
  }

  @AfterAll
  static void stopBroker() {
    records.close();
    broker.close();
  }

  @AfterEach
  void stopLoop() {
    if (loop != null) {
      loop.close(Duration.ofSeconds(30));
    }
  }

  @Test
  void joinsAPairOnceAndProducesTheHandlersOutputAndLog() throws Exception {
    givenTopics();
    loop = start(state.resolve("a"));

    records.send(name(Topic.BUILT), "b1", SampleEvents.built("b1", 1));
    records.send(name(Topic.RUN_READY), "b1", SampleEvents.runReady("b1", 1));
    await().atMost(WAIT).until(() -> exported().size() == 1);
    // a redelivered side must not export the same attempt again
    records.send(name(Topic.BUILT), "b1", SampleEvents.built("b1", 1));
    records.send(name(Topic.BUILT), "b2", SampleEvents.built("b2", 1));
    records.send(name(Topic.RUN_READY), "b2", SampleEvents.runReady("b2", 1));
    await().atMost(WAIT).until(() -> exported().size() == 2);

    assertThat(exported()).extracting(BuildExported::getBuildId).containsExactly("b1", "b2");
    assertThat(records.read(name(Topic.EXPORTED))).extracting(ConsumerRecord::key).containsExactly("b1", "b2");
    assertThat(handler.calls("b1")).isEqualTo(1);
    List<BuildLog> logs = records.events(name(Topic.LOGS), BuildLog.class);
    assertThat(logs).extracting(BuildLog::getLine).containsExactly("exporting b1", "exporting b2");
    assertThat(logs.get(0).getPhase()).isEqualTo("export");
    assertThat(logs.get(0).getSequence()).isZero();
  }

  @Test
  void joinsOnlySidesOfTheSameAttempt() throws Exception {
    givenTopics();
    loop = start(state.resolve("a"));

    records.send(name(Topic.BUILT), "b1", SampleEvents.built("b1", 2));
    records.send(name(Topic.BUILT), "b1", SampleEvents.built("b1", 1)); // stale: must not replace attempt 2
    records.send(name(Topic.RUN_READY), "b1", SampleEvents.runReady("b1", 1));
    records.send(name(Topic.BUILT), "marker", SampleEvents.built("marker", 1));
    records.send(name(Topic.RUN_READY), "marker", SampleEvents.runReady("marker", 1));
    await().atMost(WAIT).until(() -> exported().size() == 1);
    assertThat(exported()).extracting(BuildExported::getBuildId).containsExactly("marker");

    records.send(name(Topic.RUN_READY), "b1", SampleEvents.runReady("b1", 2));
    await().atMost(WAIT).until(() -> exported().size() == 2);
    BuildExported b1 = exported().get(1);
    assertThat(b1.getBuildId()).isEqualTo("b1");
    assertThat(b1.getAttempt()).isEqualTo(2);
  }

  @Test
  void restoresTheJoinStateFromKafkaWhenANewInstanceTakesOver() throws Exception {
    givenTopics();
    loop = start(state.resolve("first"));
    records.send(name(Topic.BUILT), "b1", SampleEvents.built("b1", 1));
    String changelog = topics.prefix() + "-export-built-latest-changelog";
    await().atMost(WAIT).until(() -> exists(changelog) && records.read(changelog).size() == 1);
    loop.close(Duration.ofSeconds(30)); // the export worker dies with half a pair

    loop = start(state.resolve("second")); // another instance, with no local state
    records.send(name(Topic.RUN_READY), "b1", SampleEvents.runReady("b1", 1));

    await().atMost(WAIT).until(() -> exported().size() == 1);
    assertThat(exported().get(0).getBuildId()).isEqualTo("b1");
  }

  @Test
  void sendsAPoisonRecordToTheDeadLetterTopicWithItsOriginAndGoesOn() throws Exception {
    givenTopics();
    loop = start(state.resolve("a"));
    byte[] garbage = "not an event".getBytes(StandardCharsets.UTF_8);

    records.sendRaw(name(Topic.BUILT), "p1", garbage);
    records.send(name(Topic.BUILT), "b1", SampleEvents.built("b1", 1));
    records.send(name(Topic.RUN_READY), "b1", SampleEvents.runReady("b1", 1));

    await().atMost(WAIT).until(() -> exported().size() == 1);
    List<ConsumerRecord<String, byte[]>> dead = records.read(topics.dlq(Topic.BUILT));
    assertThat(dead).hasSize(1);
    ConsumerRecord<String, byte[]> poison = dead.get(0);
    assertThat(poison.key()).isEqualTo("p1");
    assertThat(poison.value()).isEqualTo(garbage);
    assertThat(header(poison, "x-cnbfarm.origin.topic")).isEqualTo(name(Topic.BUILT));
    assertThat(header(poison, "x-cnbfarm.origin.partition")).isEqualTo("0");
    assertThat(header(poison, "x-cnbfarm.origin.offset")).isEqualTo("0");
    assertThat(header(poison, "x-cnbfarm.exception")).endsWith("UndecodableEventException");
    assertThat(header(poison, "x-cnbfarm.message")).contains("no C3 01 marker");
  }

  @Test
  void turnsAHandlerFailureIntoABuildFailedEventAndRetriesRetryableOnes() throws Exception {
    givenTopics();
    loop = start(state.resolve("a"));

    for (String build : List.of("bad", "flaky")) {
      records.send(name(Topic.BUILT), build, SampleEvents.built(build, 1));
      records.send(name(Topic.RUN_READY), build, SampleEvents.runReady(build, 1));
    }

    await().atMost(WAIT).until(() -> exported().size() == 1);
    List<BuildFailed> failed = records.events(name(Topic.FAILED), BuildFailed.class);
    assertThat(failed).hasSize(1);
    BuildFailed bad = failed.get(0);
    assertThat(bad.getBuildId()).isEqualTo("bad");
    assertThat(bad.getPhase()).isEqualTo("export");
    assertThat(bad.getCode()).isEqualTo(dev.cnbfarm.schemas.FailureCode.EXPORT_ERROR);
    assertThat(bad.getExitCode()).isEqualTo(62);
    assertThat(bad.getCategory()).isEqualTo(FailureCategory.USER);
    assertThat(bad.getMessage()).isEqualTo("401 from registry: push denied");
    assertThat(bad.getLogExcerpt()).isEqualTo("exporting bad");
    assertThat(exported().get(0).getBuildId()).isEqualTo("flaky");
    assertThat(handler.calls("flaky")).isEqualTo(3);
  }

  private void givenTopics() throws Exception {
    topics = new Topics("j" + PREFIXES.incrementAndGet() + "x" + System.nanoTime() % 100000);
    records.create(topics.all(), 1);
  }

  @Test
  void theJoinShowsItsDurationLagAndRecordsPerTopicOnTheWorkersMetrics() throws Exception {
    givenTopics();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    loop = JoinLoop.create(handler, Topic.BUILT, Topic.RUN_READY, broker.bootstrap(), topics, "export-test",
        FAST_RETRY, state.resolve("a"), Map.of(), java.time.Clock.systemUTC(), registry);
    loop.start();

    records.send(name(Topic.BUILT), "b1", SampleEvents.built("b1", 1));
    records.send(name(Topic.RUN_READY), "b1", SampleEvents.runReady("b1", 1));
    await().atMost(WAIT).until(() -> exported().size() == 1);

    String group = topics.prefix() + "-export";
    // the consumer's lag metric appears with its first fetch of an assigned partition
    await().atMost(WAIT).until(() -> registry.scrape().contains("cnbfarm_consumer_lag{group=\"" + group + "\""));
    String metrics = registry.scrape();
    assertThat(value(metrics, "cnbfarm_handle_duration_seconds_count{phase=\"export\"}")).isEqualTo(1);
    assertThat(value(metrics, "cnbfarm_consumer_lag{group=\"" + group + "\",phase=\"export\"}")).isZero();
    assertThat(value(metrics, "cnbfarm_records_consumed_total{phase=\"export\",topic=\"" + name(Topic.BUILT)
        + "\"}")).isEqualTo(1);
    assertThat(value(metrics, "cnbfarm_records_consumed_total{phase=\"export\",topic=\"" + name(Topic.RUN_READY)
        + "\"}")).isEqualTo(1);
    assertThat(value(metrics, "cnbfarm_records_produced_total{phase=\"export\",topic=\"" + name(Topic.EXPORTED)
        + "\"}")).isEqualTo(1);
    assertThat(value(metrics, "cnbfarm_records_total{outcome=\"handled\",phase=\"export\"}")).isEqualTo(1);
  }

  private JoinLoop start(Path dir) {
    JoinLoop l = JoinLoop.create(handler, Topic.BUILT, Topic.RUN_READY, broker.bootstrap(), topics, "export-test",
        FAST_RETRY, dir);
    l.start();
    return l;
  }

  private String name(Topic topic) {
    return topics.name(topic);
  }

  private List<BuildExported> exported() {
    return records.events(name(Topic.EXPORTED), BuildExported.class);
  }

  private static boolean exists(String topic) throws Exception {
    try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
      return admin.listTopics().names().get().contains(topic);
    }
  }

  private static String header(ConsumerRecord<String, byte[]> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** Exports by echoing; "bad" is a user error, "flaky" fails twice with a registry 503. */
  static final class FakeExport implements JoinHandler<BuildBuilt, RunImageReady> {
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    int calls(String buildId) {
      return calls.getOrDefault(buildId, new AtomicInteger()).get();
    }

    @Override
    public String phase() {
      return "export";
    }

    @Override
    public Class<BuildBuilt> left() {
      return BuildBuilt.class;
    }

    @Override
    public Class<RunImageReady> right() {
      return RunImageReady.class;
    }

    @Override
    public HandlerResult handle(BuildBuilt left, RunImageReady right, HandlerContext context) {
      String id = left.getBuildId();
      int call = calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
      if (call == 1) {
        context.log().info("exporting " + id);
      }
      if (id.equals("bad")) {
        throw new LifecycleException(FailureCode.EXPORT_ERROR, Category.USER, "401 from registry: push denied", null);
      }
      if (id.equals("flaky") && call < 3) {
        throw new LifecycleException(FailureCode.EXPORT_ERROR, Category.INFRA, "registry 503", null);
      }
      return HandlerResult.of(Topic.EXPORTED, id, SampleEvents.exported(id, left.getAttempt(), "sha256:" + "b".repeat(64)));
    }
  }
}
