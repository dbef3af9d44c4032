package dev.cnbfarm.runtime.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node Kafka broker for every module's Kafka tests: start one per test class, point
 * the settings at {@link #bootstrap}. The backend is chosen at run time (machine.md §2): a
 * Testcontainers Kafka container where a Docker engine answers, else (these machines and CI have
 * none) an in-process KRaft broker from Kafka's test kit (machine.md §1(a)). Both are real brokers.
 * It also reads and writes raw records, for tests that check what a loop produced. Thread-safe;
 * {@link #close} stops the broker and deletes its data.
 */
public final class TestBroker implements AutoCloseable {
  /** The image of the container backend (Kafka's own native image, KRaft). */
  static final String KAFKA_IMAGE = "apache/kafka-native:4.1.0";

  private final String bootstrap;
  private final AutoCloseable backend;
  private final KafkaProducer<byte[], byte[]> producer;

  private TestBroker(String bootstrap, AutoCloseable backend) {
    this.bootstrap = bootstrap;
    this.backend = backend;
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
  }

  /** Starts the broker; returns once it serves requests (about 3 s in-process). */
  public static TestBroker start() {
    if (dockerAvailable()) {
      org.testcontainers.kafka.KafkaContainer container = new org.testcontainers.kafka.KafkaContainer(KAFKA_IMAGE);
      container.start();
      return new TestBroker(container.getBootstrapServers(), container::stop);
    }
    return inProcess();
  }

  /** Whether a Docker engine answers (Testcontainers' own detection; false without a socket, at once). */
  static boolean dockerAvailable() {
    if (!java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))
        && System.getenv("DOCKER_HOST") == null) {
      return false;
    }
    try {
      return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** The in-process KRaft broker of Kafka's test kit. */
  static TestBroker inProcess() {
    try {
      KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
          .setNumBrokerNodes(1).setNumControllerNodes(1).build())
          .setConfigProp("group.initial.rebalance.delay.ms", "0")
          .setConfigProp("auto.create.topics.enable", "false")
          .setConfigProp("offsets.topic.replication.factor", "1")
          .setConfigProp("offsets.topic.num.partitions", "1")
          .setConfigProp("transaction.state.log.replication.factor", "1")
          .setConfigProp("transaction.state.log.min.isr", "1")
          .build();
      kit.format();
      kit.startup();
      kit.waitForReadyBrokers();
      return new TestBroker(kit.bootstrapServers(), kit);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the test broker: " + e.getMessage(), e);
    }
  }

  /** {@code localhost:<port>}, for {@code CNBFARM_BOOTSTRAP}. */
  public String bootstrap() {
    return bootstrap;
  }

  /** Writes one raw record and waits for its ack. */
  public void send(String topic, String key, byte[] value, Header... headers) {
    send(topic, null, key, value, headers);
  }

  /** Writes one raw record to a given partition ({@code null}: by key) and waits for its ack. */
  public void send(String topic, Integer partition, String key, byte[] value, Header... headers) {
    try {
      ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, partition,
          key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, List.of(headers));
      producer.send(r).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot send to " + topic + ": " + e.getMessage(), e);
    }
  }

  /** Every record now on {@code topic}, read from the start by a fresh reader (read_committed not needed: no transactions). */
  public List<ConsumerRecord<byte[], byte[]>> records(String topic) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      var partitions = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
          .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
      c.assign(partitions);
      c.seekToBeginning(partitions);
      var end = c.endOffsets(partitions, Duration.ofSeconds(10));
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }

  /** The offset group {@code groupId} committed on {@code topic}, summed over its partitions (0 when none). */
  public long committed(String groupId, String topic) {
    try (Admin admin = Admin.create(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
          .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
          .mapToLong(e -> e.getValue().offset()).sum();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot read the offsets of " + groupId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws Exception {
    producer.close(Duration.ofSeconds(5));
    backend.close();
  }
}
