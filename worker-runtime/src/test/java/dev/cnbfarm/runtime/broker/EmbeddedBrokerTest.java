package dev.cnbfarm.runtime.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedBrokerTest {

  @Test
  void startsOnLoopbackServesATransactionalRoundTripAndDeletesItsDirectoryOnClose() throws Exception {
    Path dir;
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      System.out.println("embedded broker startup: " + broker.startupTime().toMillis() + " ms");
      assertThat(broker.bootstrap()).matches("127\\.0\\.0\\.1:\\d+");
      assertThat(broker.startupTime()).isLessThan(Duration.ofSeconds(30));
      dir = brokerDir();
      assertThat(dir).isDirectory();

      try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
        admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
      }
      Properties pp = new Properties();
      pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
      pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-1");
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(),
          new StringSerializer())) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("t", "k", "v"));
        producer.commitTransaction();
      }
      Properties cp = new Properties();
      cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
      cp.put(ConsumerConfig.GROUP_ID_CONFIG, "g");
      cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(),
          new StringDeserializer())) {
        consumer.subscribe(List.of("t"));
        String value = null;
        for (int i = 0; i < 100 && value == null; i++) {
          ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
          if (!records.isEmpty()) {
            value = records.iterator().next().value();
          }
        }
        assertThat(value).isEqualTo("v");
      }
    }
    assertThat(dir).doesNotExist();
  }

  @Test
  void listensOnlyOnLoopback() {
    Properties p = EmbeddedBroker.properties(Path.of("/x"), 1, 2);
    assertThat(p.getProperty("listeners")).isEqualTo("PLAINTEXT://127.0.0.1:1,CONTROLLER://127.0.0.1:2");
    assertThat(p.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:1");
  }

  private static Path brokerDir() throws Exception {
    try (var dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("cnbfarm-kafka-"))
          .filter(d -> Files.exists(d.resolve("data"))).findFirst().orElseThrow();
    }
  }
}
