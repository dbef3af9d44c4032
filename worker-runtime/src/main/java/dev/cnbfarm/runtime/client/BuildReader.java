package dev.cnbfarm.runtime.client;

import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.Topics;
import dev.cnbfarm.runtime.codec.EventCodec;
import dev.cnbfarm.runtime.codec.UndecodableEventException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads builds' events from the pipeline topics with a plain consumer (assigned partitions, no
 * group, committed records only). For one build it reads only the partition its key maps to in
 * each topic (Kafka's default partitioner). Records already in the log when reading starts (the
 * backlog) are delivered together, in timestamp order across topics, once every partition has
 * reached its end; later ones poll by poll, each batch in timestamp order. Not thread-safe.
 */
final class BuildReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BuildReader.class);
  static final Comparator<BuildEvent> ORDER = Comparator.comparing(BuildEvent::timestamp)
      .thenComparing(e -> e.topic().ordinal()).thenComparingLong(BuildEvent::offset);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final EventCodec codec = new EventCodec();
  private final Map<String, Topic> byName = new HashMap<>();
  private final List<BuildEvent> backlog = new ArrayList<>();
  private byte[] key;
  private Map<TopicPartition, Long> ends = Map.of();
  private boolean caughtUp;

  BuildReader(String bootstrap, Map<String, ?> kafka) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.putAll(kafka);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Reads {@code buildId}'s events of {@code which} topics, from {@code from} or the beginning. */
  void assignBuild(Topics topics, List<Topic> which, String buildId, Optional<Instant> from) {
    key = buildId.getBytes(StandardCharsets.UTF_8);
    List<TopicPartition> parts = new ArrayList<>();
    for (Topic topic : which) {
      List<PartitionInfo> infos = partitions(topics.name(topic));
      if (!infos.isEmpty()) {
        parts.add(new TopicPartition(topics.name(topic), Topics.partitionOf(buildId, infos.size())));
      }
      byName.put(topics.name(topic), topic);
    }
    assign(parts, from);
  }

  /** Reads every build's events of {@code which} topics, from {@code from} or the beginning. */
  void assignAll(Topics topics, List<Topic> which, Optional<Instant> from) {
    key = null;
    List<TopicPartition> parts = new ArrayList<>();
    for (Topic topic : which) {
      for (PartitionInfo info : partitions(topics.name(topic))) {
        parts.add(new TopicPartition(info.topic(), info.partition()));
      }
      byName.put(topics.name(topic), topic);
    }
    assign(parts, from);
  }

  private List<PartitionInfo> partitions(String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic);
    return infos == null ? List.of() : infos;
  }

  private void assign(List<TopicPartition> parts, Optional<Instant> from) {
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    if (from.isPresent()) {
      Map<TopicPartition, Long> query = new HashMap<>();
      parts.forEach(tp -> query.put(tp, from.get().toEpochMilli()));
      Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
      Map<TopicPartition, Long> endOffsets = consumer.endOffsets(parts);
      for (TopicPartition tp : parts) {
        OffsetAndTimestamp at = found.get(tp);
        consumer.seek(tp, at == null ? endOffsets.get(tp) : at.offset());
      }
    }
    ends = new HashMap<>(consumer.endOffsets(parts));
    caughtUp = parts.isEmpty();
  }

  /** Whether the backlog has been read and delivered. */
  boolean caughtUp() {
    return caughtUp;
  }

  /** The events that may be delivered now, in order; empty while the backlog is still being read. */
  List<BuildEvent> poll(Duration timeout) {
    if (consumer.assignment().isEmpty()) {
      return List.of();
    }
    List<BuildEvent> batch = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
      decode(r).ifPresent(batch::add);
    }
    if (caughtUp) {
      batch.sort(ORDER);
      return batch;
    }
    backlog.addAll(batch);
    if (ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
      caughtUp = true;
      List<BuildEvent> out = new ArrayList<>(backlog);
      backlog.clear();
      out.sort(ORDER);
      return out;
    }
    return List.of();
  }

  /** Reads the backlog to its end and returns it in order. */
  List<BuildEvent> readBacklog(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!caughtUp && System.nanoTime() < deadline) {
      List<BuildEvent> out = poll(Duration.ofMillis(100));
      if (caughtUp) {
        return out;
      }
    }
    if (!caughtUp) {
      throw new FollowTimeoutException("the event log was not read to its end within " + timeout.toSeconds() + " s");
    }
    return List.of();
  }

  private Optional<BuildEvent> decode(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null || (key != null && !Arrays.equals(key, r.key()))) {
      return Optional.empty();
    }
    Topic topic = byName.get(r.topic());
    try {
      return Optional.of(BuildEvent.of(topic, codec.decode(r.value()), Instant.ofEpochMilli(r.timestamp()),
          r.partition(), r.offset()));
    } catch (UndecodableEventException e) {
      log.debug("skipping {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}
