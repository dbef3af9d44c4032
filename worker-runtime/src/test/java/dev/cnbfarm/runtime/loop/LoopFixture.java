package dev.cnbfarm.runtime.loop;

import static org.awaitility.Awaitility.await;

import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.Topics;
import dev.cnbfarm.runtime.admin.TopicAdmin;
import dev.cnbfarm.runtime.codec.EventCodec;
import dev.cnbfarm.runtime.settings.WorkerSettings;
import dev.cnbfarm.runtime.testing.TestBroker;
import dev.cnbfarm.schemas.BuildRequested;
import dev.cnbfarm.schemas.BuildSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.awaitility.core.ConditionFactory;

/**
 * One farm per test on a broker shared by a test class: its own topic prefix (one partition per
 * topic, so a restart's order is known), settings read the way a Main reads them, and loops that
 * are closed after the test. Not thread-safe.
 */
final class LoopFixture implements AutoCloseable {
  private static final AtomicInteger FARMS = new AtomicInteger();
  final TestBroker broker;
  final String prefix = "farm" + FARMS.incrementAndGet();
  final Topics topics = new Topics(prefix);
  final EventCodec codec = new EventCodec();
  final MeterRegistry registry;
  private final List<WorkerLoop<?>> loops = new ArrayList<>();

  private final String partitions;

  LoopFixture(TestBroker broker, MeterRegistry registry, int partitions) {
    this.broker = broker;
    this.registry = registry;
    this.partitions = Integer.toString(partitions);
    TopicAdmin.ensureTopics(settings(Map.of()).kafka());
  }

  LoopFixture(TestBroker broker, MeterRegistry registry) {
    this(broker, registry, 1);
  }

  LoopFixture(TestBroker broker) {
    this(broker, new SimpleMeterRegistry());
  }

  WorkerSettings settings(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("CNBFARM_BOOTSTRAP", broker.bootstrap());
    env.put("CNBFARM_TOPIC_PREFIX", prefix);
    env.put("CNBFARM_TOPIC_PARTITIONS", partitions);
    env.put("CNBFARM_INSTANCE", "test-worker");
    env.put("CNBFARM_RETRY_BACKOFF", "20ms");
    env.put("CNBFARM_RETRY_MAX_BACKOFF", "100ms");
    env.put("CNBFARM_SHUTDOWN_GRACE", "1s");
    env.putAll(extra);
    return WorkerSettings.fromEnv(env);
  }

  String group() {
    return prefix + "-detect";
  }

  WorkerLoop<BuildRequested> start(ScriptedHandler handler, Map<String, String> extra) {
    WorkerLoop<BuildRequested> loop = WorkerLoop.create(handler, Topic.REQUESTED, group(), settings(extra),
        registry);
    loops.add(loop);
    loop.start();
    await().atMost(Duration.ofSeconds(30)).until(loop::isReady);
    return loop;
  }

  WorkerLoop<BuildRequested> start(ScriptedHandler handler) {
    return start(handler, Map.of());
  }

  static BuildRequested requested(String buildId) {
    return BuildRequested.newBuilder().setEventId("e-" + buildId).setBuildId(buildId).setAttempt(1)
        .setOccurredAt(Instant.ofEpochMilli(1_700_000_000_000L)).setProducer("test")
        .setSpec(BuildSpec.newBuilder().setBuilderImage("oci:/b:builder").setSourceRepository("oci:/t")
            .setSourceDigest("sha256:" + "a".repeat(64)).setTargetImage("oci:/t:app").setTags(List.of())
            .setEnv(Map.of()).setRequestedBy("me").build())
        .build();
  }

  void submit(String buildId) {
    broker.send(topics.name(Topic.REQUESTED), buildId, codec.encode(requested(buildId)));
  }

  void submit(String buildId, int partition) {
    broker.send(topics.name(Topic.REQUESTED), partition, buildId, codec.encode(requested(buildId)));
  }

  List<ConsumerRecord<byte[], byte[]>> records(String topic) {
    return broker.records(topic);
  }

  List<SpecificRecord> events(Topic topic) {
    return records(topics.name(topic)).stream().map(r -> codec.decode(r.value())).toList();
  }

  long committed() {
    return broker.committed(group(), topics.name(Topic.REQUESTED));
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  static ConditionFactory eventually() {
    return await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(300));
  }

  @Override
  public void close() throws InterruptedException {
    for (WorkerLoop<?> loop : loops) {
      loop.close();
    }
  }
}
