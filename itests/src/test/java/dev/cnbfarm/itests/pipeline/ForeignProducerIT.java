package dev.cnbfarm.itests.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnbfarm.engine.testing.SampleImages;
import dev.cnbfarm.image.blob.TreeBlobs;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.schemas.BuildExported;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any Kafka client can submit a build (design.md §2): a schema-correct BuildRequested written by
 * librdkafka (python3-confluent-kafka) with python3-avro from the {@code .avsc} files alone is
 * built by the workers; random bytes written by {@code kcat} land in the requested topic's
 * {@code .dlq} with their origin headers, and the farm goes on building.
 */
class ForeignProducerIT {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Path SCRIPT = Path.of("src/test/python/cnbfarm_avro.py").toAbsolutePath();
  private static final Path AVSC = Path.of("../schemas/src/main/avro").toAbsolutePath().normalize();
  private static final Duration BUILD = Duration.ofMinutes(3);

  @TempDir static Path dir;
  static Farm farm;
  static ImageRef builder;
  static ImageRef target;
  static String sourceDigest;

  @BeforeAll
  static void start() throws Exception {
    farm = Farm.start(dir);
    FixtureBuilders fixtures = new FixtureBuilders(farm, dir);
    builder = fixtures.builder(Target.REGISTRY, "plain", FixtureBuilders.HELLO, List.of());
    target = Target.REGISTRY.ref(farm, dir, "foreign");
    sourceDigest = new TreeBlobs(farm.store, Files.createDirectories(dir.resolve("blobs")))
        .push(target, FixtureBuilders.FIXTURES.resolve("app")).digest().value();
  }

  @AfterAll
  static void stopFarm() {
    if (farm != null) {
      farm.close();
    }
  }

  @Test
  void aBuildRequestedProducedByLibrdkafkaFromTheSchemaFilesIsBuilt() throws Exception {
    String id = "foreign-" + UUID.randomUUID();

    String produced = run(List.of(PYTHON.toString(), SCRIPT.toString(), "produce", AVSC.toString(),
        farm.broker.bootstrap(), farm.topic(Topic.REQUESTED), id, request(id, "python@itest").toString()));

    assertThat(produced).contains("produced");
    BuildExported exported = awaitExported(id);
    assertThat(exported.getImageDigest()).isEqualTo(farm.store.read(target).manifestDigest().toString());
    assertThat(farm.history(id).requested().orElseThrow().getProducer()).isEqualTo("python-confluent-kafka");
  }

  @Test
  void randomBytesFromKcatGoToTheDeadLetterTopicWithTheirOriginAndTheNextBuildCompletes() throws Exception {
    String key = "poison-" + UUID.randomUUID();
    byte[] garbage = new byte[512];
    new Random(42).nextBytes(garbage);
    Path file = Files.write(dir.resolve(key + ".bin"), garbage);
    String requested = farm.topic(Topic.REQUESTED);

    run(List.of("kcat", "-P", "-b", farm.broker.bootstrap(), "-t", requested, "-k", key, file.toString()));

    ConsumerRecord<byte[], byte[]> dead = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .until(() -> farm.broker.records(farm.dlq(Topic.REQUESTED)).stream()
            .filter(r -> key.equals(new String(r.key(), StandardCharsets.UTF_8))).findFirst(), o -> o.isPresent())
        .orElseThrow();
    assertThat(dead.value()).isEqualTo(garbage);
    assertThat(header(dead, "x-cnbfarm.origin.topic")).isEqualTo(requested);
    assertThat(header(dead, "x-cnbfarm.origin.partition")).matches("\\d+");
    assertThat(header(dead, "x-cnbfarm.origin.offset")).matches("\\d+");
    assertThat(header(dead, "x-cnbfarm.exception")).isNotEmpty();

    String id = "after-poison-" + UUID.randomUUID();
    run(List.of(PYTHON.toString(), SCRIPT.toString(), "produce", AVSC.toString(), farm.broker.bootstrap(), requested,
        id, request(id, "python@itest").toString()));
    assertThat(awaitExported(id).getImageDigest()).startsWith("sha256:");
  }

  /** The JSON the script encodes: a BuildRequested with occurredAt in epoch milliseconds. */
  private static Path request(String id, String by) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode event = json.createObjectNode().put("eventId", UUID.randomUUID().toString()).put("buildId", id)
        .put("attempt", 1).put("occurredAt", Instant.now().toEpochMilli()).put("producer", "python-confluent-kafka");
    event.set("spec", json.valueToTree(Map.of("builderImage", builder.toString(),
        "sourceRepository", target.toString(), "sourceDigest", sourceDigest, "targetImage", target.toString(),
        "tags", List.of(), "env", Map.of(), "requestedBy", by, "platformApi", "0.13")));
    ((ObjectNode) event.get("spec")).putNull("runImage").putNull("replayOf");
    return Files.writeString(dir.resolve(id + ".json"), json.writeValueAsString(event));
  }

  private static BuildExported awaitExported(String id) {
    return await().atMost(BUILD).pollInterval(Duration.ofSeconds(1))
        .until(() -> farm.historyIfAny(id), h -> h.isPresent() && (h.get().exported().isPresent()
            || h.get().status().map(s -> s.failure().isPresent()).orElse(false)))
        .orElseThrow().exported()
        .orElseThrow(() -> new AssertionError("build " + id + " failed: " + farm.history(id).status()));
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static String run(List<String> args) throws Exception {
    Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s timed out", args).isTrue();
    assertThat(p.exitValue()).as("%s: %s", args, out).isZero();
    return out;
  }
}
