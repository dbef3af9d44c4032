package dev.cnbfarm.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cnbfarm.image.testing.LocalRegistry;
import dev.cnbfarm.itests.farm.BuildWatch;
import dev.cnbfarm.itests.farm.Farm;
import dev.cnbfarm.itests.farm.WorkerProcess;
import dev.cnbfarm.runtime.Topics;
import dev.cnbfarm.runtime.client.BuildEvent;
import dev.cnbfarm.schemas.FailureCategory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults of a farm of separate processes (issue 9, "Must show"): workers SIGKILLed part-way, a
 * poison record, the registry gone mid-build, the broker restarted. One detect, one extend build
 * role, one extend run role and one export worker, each its own JVM; a test that kills one starts
 * it again under the same name and cache dir, so the next test finds every role running.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {
  private static final Duration BUILD = Duration.ofMinutes(3);
  private static final Map<String, String[]> ROLES = new LinkedHashMap<>();
  private static final Map<String, WorkerProcess> running = new LinkedHashMap<>();
  private static Farm farm;

  static {
    ROLES.put("detect", new String[] {"detect"});
    ROLES.put("build", new String[] {"extend", "--role", "build"});
    ROLES.put("run", new String[] {"extend", "--role", "run"});
    ROLES.put("export", new String[] {"export"});
  }

  @BeforeAll
  static void startFarm() throws Exception {
    // retries give up 30 s after the first try, so an unreachable registry fails the build soon
    farm = Farm.start(Map.of("CNBFARM_RETRY_ATTEMPTS", "8", "CNBFARM_RETRY_BACKOFF", "1s",
        "CNBFARM_RETRY_MAX_BACKOFF", "4s", "CNBFARM_RETRY_DEADLINE", "30s"));
    ROLES.keySet().forEach(FaultsIT::start);
  }

  @AfterEach
  void everyRoleRunsAgain() {
    // a test that failed half-way leaves a role down; the next one should not fail for that
    running.forEach((name, w) -> {
      if (!w.isAlive()) {
        start(name);
      }
    });
  }

  @AfterAll
  static void stopFarm() {
    if (farm != null) {
      farm.close();
    }
  }

  private static WorkerProcess start(String name) {
    WorkerProcess w = farm.worker(name, ROLES.get(name));
    running.put(name, w);
    if (!name.equals("export")) {
      // on a busy machine the first group join takes a while: the tests time the faults, not that
      w.awaitAssigned(Duration.ofSeconds(90));
    }
    return w;
  }

  @Test
  @Order(1)
  void poisonRecordGoesToTheDeadLetterTopicWithItsOriginAndTheWorkerGoesOn() {
    Topics topics = Topics.defaults();
    String key = "poison-" + UUID.randomUUID();
    long offset;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, farm.broker().bootstrap(), ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(), new ByteArraySerializer())) {
      offset = producer.send(new ProducerRecord<>(topics.name(dev.cnbfarm.runtime.Topic.REQUESTED), key,
          "not an event".getBytes(StandardCharsets.UTF_8))).get().offset();
    } catch (Exception e) {
      throw new AssertionError("cannot produce the poison record: " + e.getMessage(), e);
    }

    ConsumerRecord<String, byte[]> dead = awaitRecord(topics.dlq(dev.cnbfarm.runtime.Topic.REQUESTED), key);
    assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not an event");
    assertThat(header(dead, "x-cnbfarm.origin.topic")).isEqualTo(topics.name(dev.cnbfarm.runtime.Topic.REQUESTED));
    assertThat(header(dead, "x-cnbfarm.origin.offset")).isEqualTo(Long.toString(offset));
    assertThat(header(dead, "x-cnbfarm.origin.partition")).isNotEmpty();
    assertThat(header(dead, "x-cnbfarm.worker")).isEqualTo("detect");

    BuildWatch next = farm.watch(farm.submit(Map.of()), BUILD);
    next.awaitEvent("detected", BuildEvent.Detected.class::isInstance, BUILD);
    assertThat(running.get("detect").isAlive()).isTrue();
  }

  @Test
  @Order(2)
  void exportWorkerKilledBetweenBuiltAndRunReadyStillJoinsTheBuildOnce() {
    BuildWatch watch = farm.watch(farm.submit(Map.of("SAMPLES_RUN_SLEEP", "20")), BUILD);
    BuildEvent built = watch.awaitEvent("built", BuildEvent.Built.class::isInstance, BUILD);
    // the join has consumed built and committed past it: a restart can only find it in the join's state
    String builtTopic = Topics.defaults().name(dev.cnbfarm.runtime.Topic.BUILT);
    await("the export worker to commit past built").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> farm.committed("cnbfarm-export", builtTopic, built.partition()) > built.offset());
    assertThat(watch.events()).noneMatch(BuildEvent.RunReady.class::isInstance);

    running.get("export").kill();
    Instant killed = Instant.now();
    start("export");

    assertThat(watch.terminal(BUILD)).as(watch.describe()).isInstanceOf(BuildEvent.Exported.class);
    assertThat(watch.events().stream().filter(BuildEvent.RunReady.class::isInstance).findFirst().orElseThrow()
        .timestamp()).as("run.ready came after the kill").isAfter(killed);
    assertOneExport(watch.buildId());
  }

  @Test
  @Order(3)
  void extendWorkerKilledInARunStepLeavesNothingBehindAndTheBuildCompletesOnRestart() throws IOException {
    BuildWatch watch = farm.watch(farm.submit(Map.of("SAMPLES_BUILD_SLEEP", "25")), BUILD);
    watch.awaitLog("extend-build", "&& sleep 25", BUILD);
    await("the RUN step's sleep").atMost(Duration.ofSeconds(30)).until(() -> !sleeps("25").isEmpty());

    running.get("build").kill();
    assertThat(sleeps("25")).as("processes of the killed worker's RUN step").isEmpty();
    start("build");

    assertThat(watch.terminal(BUILD)).as(watch.describe()).isInstanceOf(BuildEvent.Exported.class);
    assertOneExport(watch.buildId());
    assertThat(farm.mountsUnderDir()).as("mounts under " + farm.dir()).isEmpty();
    assertThat(sleeps("25")).isEmpty();
  }

  @Test
  @Order(4)
  void registryStoppedMidBuildIsRetriedThenFailsAsInfra() throws IOException {
    LocalRegistry other = farm.otherRegistry();
    var images = farm.writeImages(other);
    String id = farm.submit(images, other.host() + "/apps/gone:latest", Map.of("SAMPLES_BUILD_SLEEP", "6"));
    BuildWatch watch = farm.watch(id, BUILD);
    watch.awaitLog("extend-build", "&& sleep 6", BUILD);
    other.close();

    BuildEvent end = watch.terminal(BUILD);
    assertThat(end).as(watch.describe()).isInstanceOf(BuildEvent.Failed.class);
    BuildEvent.Failed failed = (BuildEvent.Failed) end;
    assertThat(failed.event().getCategory()).isEqualTo(FailureCategory.INFRA);
    assertThat(failed.event().getMessage()).as("the failure's message").isNotBlank().doesNotContain("Exception");
    String output = running.get("build").output() + running.get("run").output();
    assertThat(output.lines().filter(l -> l.contains("WARN") && l.contains("failed on try"))).as(
        "the workers' retry lines").isNotEmpty();
  }

  @Test
  @Order(5)
  void brokerRestartedMidBuildWorkersReconnectAndFinish() {
    BuildWatch watch = farm.watch(farm.submit(Map.of("SAMPLES_BUILD_SLEEP", "8")), BUILD);
    watch.awaitLog("extend-build", "&& sleep 8", BUILD);

    farm.broker().stop();
    farm.broker().start();

    assertThat(watch.terminal(BUILD)).as(watch.describe()).isInstanceOf(BuildEvent.Exported.class);
    assertOneExport(watch.buildId());
    running.values().forEach(w -> assertThat(w.isAlive()).as(w + " alive").isTrue());
  }

  private static void assertOneExport(String buildId) {
    List<BuildEvent> history = farm.history(buildId);
    assertThat(history.stream().filter(BuildEvent.Exported.class::isInstance)).as("exported events of " + buildId)
        .hasSize(1);
    assertThat(history.stream().filter(BuildEvent.Failed.class::isInstance)).as("failed events of " + buildId)
        .isEmpty();
  }

  /** PIDs of {@code sleep <seconds>} processes (a sandboxed RUN step's). */
  private static List<Long> sleeps(String seconds) throws IOException {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String[] argv = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).split("\0");
          if (argv.length == 2 && argv[0].endsWith("sleep") && argv[1].equals(seconds)) {
            out.add(Long.parseLong(p.getFileName().toString()));
          }
        } catch (IOException gone) {
          // the process ended while we looked
        }
      }
    }
    return out;
  }

  private static ConsumerRecord<String, byte[]> awaitRecord(String topic, String key) {
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, farm.broker().bootstrap()), new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
      await("a record " + key + " on " + topic).atMost(Duration.ofSeconds(120)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        return seen.stream().anyMatch(r -> key.equals(r.key()));
      });
      return seen.stream().filter(r -> key.equals(r.key())).findFirst().orElseThrow();
    }
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    return Optional.ofNullable(record.headers().lastHeader(name)).map(Header::value)
        .map(v -> new String(v, StandardCharsets.UTF_8)).orElse("");
  }
}
