package dev.cnbfarm.runtime.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkerSettingsTest {
  @Test
  void defaultsApplyWhenNothingIsSet() {
    WorkerSettings s = WorkerSettings.fromEnv(Map.of());

    assertThat(s.kafka().bootstrap()).isEqualTo("127.0.0.1:9092");
    assertThat(s.kafka().topics().prefix()).isEqualTo("cnbfarm");
    assertThat(s.kafka().partitions()).isEqualTo(8);
    assertThat(s.kafka().replication()).isEqualTo((short) 1);
    assertThat(s.instance()).endsWith("-" + ProcessHandle.current().pid());
    assertThat(s.retry().maxAttempts()).isEqualTo(5);
    assertThat(s.retry().initial()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.handlerTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(s.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.metricsPort()).isEqualTo(-1);
    assertThat(s.metricsAddress().isLoopbackAddress()).isTrue();
    assertThat(s.kafka().groupId("extend-build")).isEqualTo("cnbfarm-extend-build");
  }

  @Test
  void readsEveryKey() {
    WorkerSettings s = WorkerSettings.fromEnv(Map.ofEntries(Map.entry("CNBFARM_BOOTSTRAP", "k1:9092,k2:9093"),
        Map.entry("CNBFARM_TOPIC_PREFIX", "farm-a"), Map.entry("CNBFARM_TOPIC_PARTITIONS", "3"),
        Map.entry("CNBFARM_TOPIC_REPLICATION", "2"), Map.entry("CNBFARM_INSTANCE", "w1"),
        Map.entry("CNBFARM_RETRY_ATTEMPTS", "2"), Map.entry("CNBFARM_RETRY_BACKOFF", "1s"),
        Map.entry("CNBFARM_RETRY_MAX_BACKOFF", "4s"), Map.entry("CNBFARM_RETRY_DEADLINE", "1m"),
        Map.entry("CNBFARM_HANDLER_TIMEOUT", "15m"), Map.entry("CNBFARM_SHUTDOWN_GRACE", "5s"),
        Map.entry("CNBFARM_METRICS_PORT", "0"), Map.entry("CNBFARM_METRICS_ADDRESS", "0.0.0.0")));

    assertThat(s.kafka().bootstrap()).isEqualTo("k1:9092,k2:9093");
    assertThat(s.kafka().topics().prefix()).isEqualTo("farm-a");
    assertThat(s.kafka().partitions()).isEqualTo(3);
    assertThat(s.kafka().replication()).isEqualTo((short) 2);
    assertThat(s.instance()).isEqualTo("w1");
    assertThat(s.retry().maxAttempts()).isEqualTo(2);
    assertThat(s.retry().max()).isEqualTo(Duration.ofSeconds(4));
    assertThat(s.retry().deadline()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.handlerTimeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(s.shutdownGrace()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.metricsPort()).isZero();
    assertThat(s.metricsAddress().isAnyLocalAddress()).isTrue();
  }

  @Test
  void theMetricsAddressIsAnAddressLiteralNeverAHostName() {
    assertThat(WorkerSettings.fromEnv(Map.of("CNBFARM_METRICS_ADDRESS", "::")).metricsAddress().isAnyLocalAddress())
        .isTrue();
    assertThatThrownBy(() -> WorkerSettings.fromEnv(Map.of("CNBFARM_METRICS_ADDRESS", "metrics.example.com")))
        .hasMessageContaining("CNBFARM_METRICS_ADDRESS=metrics.example.com: not an IP address such as 127.0.0.1 "
            + "or 0.0.0.0");
  }

  @Test
  void oneErrorListsEveryBadKey() {
    assertThatThrownBy(() -> WorkerSettings.fromEnv(Map.of("CNBFARM_TOPIC_PARTITIONS", "many",
        "CNBFARM_RETRY_BACKOFF", "soon", "CNBFARM_METRICS_PORT", "70000", "CNBFARM_TOPIC_PREFIX", "a b",
        "CNBFARM_BOOTSTRAP", "nohost", "CNBFARM_KAFKA_NO_SUCH_THING", "1")))
        .isInstanceOfSatisfying(LifecycleException.class, e -> {
          assertThat(e.code()).isEqualTo(FailureCode.INVALID_ARGS);
          assertThat(e.getMessage()).startsWith("invalid settings: ")
              .contains("CNBFARM_TOPIC_PARTITIONS=many: not a whole number from 1 to 10000")
              .contains("CNBFARM_RETRY_BACKOFF=soon: not a duration")
              .contains("CNBFARM_METRICS_PORT=70000: not a whole number from -1 to 65535")
              .contains("CNBFARM_TOPIC_PREFIX=a b")
              .contains("CNBFARM_BOOTSTRAP=nohost: not a comma-separated list of host:port")
              .contains("CNBFARM_KAFKA_NO_SUCH_THING: no Kafka client property no.such.thing")
              .doesNotContain("Exception").doesNotContain("\n");
        });
  }

  @Test
  void aMaxBackoffBelowTheFirstIsRefused() {
    assertThatThrownBy(() -> WorkerSettings.fromEnv(Map.of("CNBFARM_RETRY_BACKOFF", "5s",
        "CNBFARM_RETRY_MAX_BACKOFF", "1s"))).hasMessageContaining("CNBFARM_RETRY_MAX_BACKOFF=1s: shorter than "
        + "CNBFARM_RETRY_BACKOFF");
  }

  @Test
  void kafkaPropertiesPassThroughToTheClientsThatKnowThem() {
    KafkaSettings k = WorkerSettings.fromEnv(Map.of("CNBFARM_KAFKA_MAX_POLL_INTERVAL_MS", "6000",
        "CNBFARM_KAFKA_LINGER_MS", "20", "CNBFARM_KAFKA_SECURITY_PROTOCOL", "SSL")).kafka();

    assertThat(k.consumerProperties("g", "c")).containsEntry("max.poll.interval.ms", "6000")
        .containsEntry("security.protocol", "SSL").containsEntry("enable.auto.commit", "false")
        .doesNotContainKey("linger.ms");
    assertThat(k.producerProperties("c")).containsEntry("linger.ms", "20").containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true").doesNotContainKey("max.poll.interval.ms");
    assertThat(k.adminProperties("c")).containsEntry("security.protocol", "SSL");
  }

  @Test
  void propertiesTheLoopOwnsCannotBeOverridden() {
    assertThatThrownBy(() -> WorkerSettings.fromEnv(Map.of("CNBFARM_KAFKA_ENABLE_AUTO_COMMIT", "true",
        "CNBFARM_KAFKA_BOOTSTRAP_SERVERS", "x:1", "CNBFARM_KAFKA_ACKS", "1")))
        .hasMessageContaining("CNBFARM_KAFKA_ENABLE_AUTO_COMMIT: enable.auto.commit is set by cnbfarm itself")
        .hasMessageContaining("bootstrap.servers is set by cnbfarm itself (use CNBFARM_BOOTSTRAP)")
        .hasMessageContaining("CNBFARM_KAFKA_ACKS");
  }

  @Test
  void theReadmeTableListsEveryKeyWithItsDefault() throws Exception {
    String readme = Files.readString(Path.of("README.md"));

    for (Setting<?> s : WorkerSettings.settings()) {
      assertThat(readme).as(s.env()).contains("| `" + s.env() + "` | `" + s.shownDefault() + "` |");
    }
    assertThat(readme).contains("| `" + KafkaSettings.PASS_THROUGH_PREFIX + "<X>` |");
  }

  @Test
  void everyKeyIsDeclaredOnceWithADoc() {
    Set<String> names = new HashSet<>();
    for (Setting<?> s : WorkerSettings.settings()) {
      assertThat(names.add(s.env())).as(s.env()).isTrue();
      assertThat(s.doc()).as(s.env()).isNotBlank();
      assertThat(s.env()).doesNotStartWith(KafkaSettings.PASS_THROUGH_PREFIX);
    }
    assertThat(names).contains("CNBFARM_BOOTSTRAP", "CNBFARM_TOPIC_PREFIX", "CNBFARM_TOPIC_PARTITIONS",
        "CNBFARM_TOPIC_REPLICATION", "CNBFARM_INSTANCE", "CNBFARM_RETRY_ATTEMPTS", "CNBFARM_RETRY_BACKOFF",
        "CNBFARM_RETRY_MAX_BACKOFF", "CNBFARM_RETRY_DEADLINE", "CNBFARM_HANDLER_TIMEOUT", "CNBFARM_SHUTDOWN_GRACE",
        "CNBFARM_METRICS_PORT");
  }
}
