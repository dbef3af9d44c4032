package dev.cnbfarm.runtime.join;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import dev.cnbfarm.runtime.codec.EventCodec;

/** Test access to a broker's topics: create, produce raw or encoded records, read all committed records. */
public final class TopicRecords implements AutoCloseable {
  private final String bootstrap;
  private final KafkaProducer<String, byte[]> producer;
  private final EventCodec codec = new EventCodec();

  public TopicRecords(String bootstrap) {
    this.bootstrap = bootstrap;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  public void create(List<String> topics, int partitions) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      List<NewTopic> news = topics.stream().map(t -> new NewTopic(t, partitions, (short) 1)).toList();
      admin.createTopics(news).all().get(30, TimeUnit.SECONDS);
    }
  }

  public void send(String topic, String key, SpecificRecord event) throws Exception {
    sendRaw(topic, key, codec.encode(event));
  }

  public void sendRaw(String topic, String key, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
  }

  public void sendAt(String topic, int partition, long timestamp, String key, SpecificRecord event) throws Exception {
    producer.send(new ProducerRecord<>(topic, partition, timestamp, key, codec.encode(event))).get(30, TimeUnit.SECONDS);
  }

  /** Every committed record of {@code topic} now. */
  public List<ConsumerRecord<String, byte[]>> read(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo info : c.partitionsFor(topic)) {
        parts.add(new TopicPartition(topic, info.partition()));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(100)).forEach(out::add);
      }
      return out;
    }
  }

  /** The decoded events of {@code topic}. */
  public <T extends SpecificRecord> List<T> events(String topic, Class<T> type) {
    return read(topic).stream().map(r -> codec.decode(r.value(), type)).toList();
  }

  @Override
  public void close() {
    producer.close();
  }
}
