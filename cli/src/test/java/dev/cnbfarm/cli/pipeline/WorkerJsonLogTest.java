package dev.cnbfarm.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.Topics;
import dev.cnbfarm.runtime.broker.EmbeddedBroker;
import dev.cnbfarm.runtime.codec.EventCodec;
import dev.cnbfarm.schemas.BuildRequested;
import dev.cnbfarm.schemas.BuildSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code CNBFARM_LOG_FORMAT=json}: a real {@code cnbfarm worker detect} process (a JVM of its
 * own: the log backend is chosen once per JVM) logs one JSON object per line, and the lines of a
 * build carry its id and record from the loop's MDC.
 */
class WorkerJsonLogTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void aWorkersLogLinesAreJsonWithTheBuildIdInJsonMode() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      Path stderr = dir.resolve("stderr");
      ProcessBuilder worker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.cnbfarm.schemas",
          "dev.cnbfarm.cli.Main", "worker", "detect", "--bootstrap", broker.bootstrap(), "--instance", "json-worker")
          .redirectError(stderr.toFile()).redirectOutput(dir.resolve("stdout").toFile());
      worker.environment().putAll(Map.of("CNBFARM_LOG_FORMAT", "json", "CNBFARM_TOPIC_PREFIX", "jsonlog",
          "CNBFARM_TOPIC_PARTITIONS", "1", "CNBFARM_CACHE_DIR", dir.resolve("cache").toString(),
          "CNBFARM_RETRY_ATTEMPTS", "1"));
      Process process = worker.start();
      try {
        await().atMost(Duration.ofSeconds(90)).until(() -> read(stderr).contains("detect assigned"));
        send(broker.bootstrap(), "b-json");
        await().atMost(Duration.ofSeconds(60)).until(() -> read(stderr).matches("(?s).*detect (ended|failed) for build b-json.*"));
      } finally {
        process.destroy();
        process.waitFor();
      }
      List<JsonNode> lines = new ArrayList<>();
      for (String line : read(stderr).split("\n")) {
        if (!line.isBlank()) {
          lines.add(JSON.readTree(line)); // every line is one JSON object: nothing else on stderr
        }
      }
      JsonNode started = lines.stream().filter(l -> l.path("formattedMessage").asText()
          .equals("detect started for build b-json (attempt 1)")).findFirst().orElseThrow(() -> new AssertionError(
              "no start line of b-json in " + lines));
      assertThat(started.path("level").asText()).isEqualTo("INFO");
      assertThat(started.path("loggerName").asText()).isEqualTo("dev.cnbfarm.runtime.loop.WorkerLoop");
      assertThat(started.path("timestamp").asLong()).isGreaterThan(Instant.parse("2025-01-01T00:00:00Z")
          .toEpochMilli());
      JsonNode mdc = started.path("mdc");
      assertThat(mdc.path("buildId").asText()).isEqualTo("b-json");
      assertThat(mdc.path("phase").asText()).isEqualTo("detect");
      assertThat(mdc.path("eventId").asText()).isEqualTo("e-b-json");
      assertThat(mdc.path("topic").asText()).isEqualTo("jsonlog.build.requested.v1");
      assertThat(mdc.path("offset").asText()).isEqualTo("0");
    }
  }

  private static void send(String bootstrap, String buildId) throws Exception {
    BuildRequested event = BuildRequested.newBuilder().setEventId("e-" + buildId).setBuildId(buildId).setAttempt(1)
        .setOccurredAt(Instant.now()).setProducer("test")
        .setSpec(BuildSpec.newBuilder().setBuilderImage("oci:/nonexistent/builder:latest")
            .setSourceRepository("oci:/nonexistent/source").setSourceDigest("sha256:" + "a".repeat(64))
            .setTargetImage("oci:/nonexistent/app:latest").setTags(List.of()).setEnv(Map.of()).setRequestedBy("test")
            .build())
        .build();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(new Topics("jsonlog").name(Topic.REQUESTED),
          buildId.getBytes(StandardCharsets.UTF_8), new EventCodec().encode(event))).get();
    }
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
