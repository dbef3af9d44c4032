package dev.cnbfarm.runtime.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.runtime.settings.KafkaSettings;
import dev.cnbfarm.runtime.settings.WorkerSettings;
import dev.cnbfarm.runtime.testing.TestBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TopicAdminTest {
  private static TestBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    broker.close();
  }

  private static KafkaSettings settings(String prefix) {
    return WorkerSettings.fromEnv(Map.of("CNBFARM_BOOTSTRAP", broker.bootstrap(), "CNBFARM_TOPIC_PREFIX", prefix,
        "CNBFARM_TOPIC_PARTITIONS", "3")).kafka();
  }

  @Test
  void createsEveryMissingTopicOnceWithTheConfiguredPartitions() throws Exception {
    KafkaSettings s = settings("once");

    assertThat(TopicAdmin.ensureTopics(s)).containsExactlyInAnyOrderElementsOf(s.topics().all());
    assertThat(TopicAdmin.ensureTopics(s)).isEmpty();

    try (Admin admin = Admin.create(s.adminProperties("test"))) {
      Map<String, TopicDescription> topics = admin.describeTopics(s.topics().all()).allTopicNames().get();
      assertThat(topics).hasSize(14);
      assertThat(topics.values()).allSatisfy(t -> assertThat(t.partitions()).hasSize(3));
    }
  }

  @Test
  void workersStartingTogetherBothSucceed() {
    KafkaSettings s = settings("race");
    List<CompletableFuture<List<String>>> starts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      starts.add(CompletableFuture.supplyAsync(() -> TopicAdmin.ensureTopics(s)));
    }

    List<String> created = new ArrayList<>();
    starts.forEach(f -> created.addAll(f.join()));

    assertThat(created).containsExactlyInAnyOrderElementsOf(s.topics().all());
  }

  @Test
  void anUnreachableBrokerIsAnInfraFailureNamingIt() {
    KafkaSettings s = WorkerSettings.fromEnv(Map.of("CNBFARM_BOOTSTRAP", "127.0.0.1:1",
        "CNBFARM_KAFKA_DEFAULT_API_TIMEOUT_MS", "1500", "CNBFARM_KAFKA_REQUEST_TIMEOUT_MS", "1000")).kafka();

    LifecycleException e = org.assertj.core.api.Assertions.catchThrowableOfType(LifecycleException.class,
        () -> TopicAdmin.ensureTopics(s));

    assertThat(e.category()).isEqualTo(Category.INFRA);
    assertThat(e.getMessage()).startsWith("cannot create the topics on 127.0.0.1:1: ");
  }
}
