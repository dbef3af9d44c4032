package dev.cnbfarm.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TestBrokerTest {
  @Test
  void withoutADockerEngineTheBrokerIsInProcessAndServes() throws Exception {
    assumeTrue(!TestBroker.dockerAvailable(), "a Docker engine answers: the container backend is used");
    try (TestBroker broker = TestBroker.start()) {
      createTopic(broker);
      broker.send("t", "k", new byte[] {1});

      assertThat(broker.records("t")).hasSize(1);
    }
  }

  @Test
  void whereADockerEngineAnswersTheBrokerIsAKafkaContainer() throws Exception {
    assumeTrue(TestBroker.dockerAvailable(), "no Docker engine here: skipped (machine.md §2)");
    try (TestBroker broker = TestBroker.start()) {
      createTopic(broker);
      broker.send("t", "k", new byte[] {1});

      assertThat(broker.records("t")).hasSize(1);
      assertThat(broker.bootstrap()).doesNotStartWith("localhost:0");
    }
  }

  private static void createTopic(TestBroker broker) throws Exception {
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", broker.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
    }
  }
}
