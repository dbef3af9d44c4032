package dev.cnbfarm.runtime.dlq;

import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.codec.EventCodec;
import dev.cnbfarm.runtime.codec.UndecodableEventException;
import dev.cnbfarm.runtime.settings.KafkaSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The farm's dead-letter topics for an operator ({@code cnbfarm dlq}): lists their records and
 * re-drives them, sending each record's original key, value and headers back to the topic it
 * came from, with an {@code x-cnbfarm.redriven-from} header naming the dead-letter record.
 *
 * <p>Why markers: a re-drive also writes a marker record to the dead-letter topic (an empty value
 * with an {@code x-cnbfarm.redrive-of} header naming the record's {@code partition@offset}), so a
 * second re-drive, from any machine, skips what was re-driven, even when only some records were
 * chosen ({@code --build}, {@code --offset}); a consumer group's offset could only mark a prefix of
 * a partition. The marker is written after the re-driven record's ack: a crash between the two
 * re-drives that record once more, which the idempotent handlers absorb (at-least-once, as
 * everywhere in the pipeline). Markers are not listed. Not thread-safe.
 */
public final class DeadLetterQueue implements AutoCloseable {
  /** On a re-driven record: the dead-letter record it came from, {@code topic-partition@offset}. */
  public static final String REDRIVEN_FROM = "x-cnbfarm.redriven-from";
  /** On a marker in a dead-letter topic: the record of that topic it marks re-driven, {@code partition@offset}. */
  public static final String REDRIVE_OF = "x-cnbfarm.redrive-of";
  /** On a marker: where the record was re-driven to, {@code topic-partition@offset}. */
  public static final String REDRIVEN_TO = "x-cnbfarm.redriven-to";
  private static final String PREFIX = "x-cnbfarm.";
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration READ_LIMIT = Duration.ofMinutes(2);

  private final KafkaSettings kafka;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String clientId;
  private final EventCodec codec = new EventCodec();
  private KafkaProducer<byte[], byte[]> producer;

  private DeadLetterQueue(KafkaSettings kafka, String clientId) {
    this.kafka = kafka;
    this.clientId = clientId;
    Map<String, Object> p = kafka.consumerProperties("unused", clientId);
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer = new KafkaConsumer<>(p);
  }

  /** Connects lazily: nothing is sent until {@link #list} or {@link #redrive}. */
  public static DeadLetterQueue connect(KafkaSettings kafka, String clientId) {
    return new DeadLetterQueue(kafka, clientId);
  }

  /**
   * The dead-letter topics {@code topic} names: the {@code .dlq} of a pipeline topic given by name
   * (with or without {@code .dlq}), or, when empty, every pipeline topic's.
   *
   * @throws IllegalArgumentException naming the topics there are, for a name that is none of them
   */
  public List<String> topics(Optional<String> topic) {
    List<String> all = new ArrayList<>();
    for (Topic t : Topic.values()) {
      all.add(kafka.topics().dlq(t));
    }
    if (topic.isEmpty()) {
      return all;
    }
    String name = topic.get().endsWith(".dlq") ? topic.get() : topic.get() + ".dlq";
    if (!all.contains(name)) {
      throw new IllegalArgumentException("'" + topic.get() + "' is no pipeline topic of prefix '"
          + kafka.topics().prefix() + "'; its dead-letter topics are " + String.join(", ", all));
    }
    return List.of(name);
  }

  /** Every record of {@code topics} (markers left out), oldest first per partition. */
  public List<DeadLetter> list(List<String> topics) {
    List<DeadLetter> out = new ArrayList<>();
    for (Entry e : read(topics)) {
      out.add(e.letter());
    }
    return out;
  }

  /**
   * Re-drives the records of {@code topics} that {@code which} selects and that were not re-driven
   * yet; with {@code dryRun} only says what it would do.
   */
  public List<Redrive> redrive(List<String> topics, Selection which, boolean dryRun) {
    List<Redrive> out = new ArrayList<>();
    for (Entry e : read(topics)) {
      DeadLetter letter = e.letter();
      if (!which.selects(letter)) {
        continue;
      }
      if (letter.redriven()) {
        out.add(new Redrive(letter, Redrive.Action.ALREADY_REDRIVEN, ""));
      } else if (letter.originTopic().isEmpty()) {
        out.add(new Redrive(letter, Redrive.Action.NO_ORIGIN, ""));
      } else if (dryRun) {
        out.add(new Redrive(letter, Redrive.Action.WOULD_REDRIVE, letter.originTopic()));
      } else {
        out.add(new Redrive(letter, Redrive.Action.REDRIVEN, send(e.record(), letter)));
      }
    }
    return out;
  }

  private String send(ConsumerRecord<byte[], byte[]> dead, DeadLetter letter) {
    RecordHeaders headers = new RecordHeaders();
    for (Header h : dead.headers()) {
      if (!h.key().startsWith(PREFIX)) {
        headers.add(h);
      }
    }
    put(headers, REDRIVEN_FROM, letter.topic() + "-" + letter.position());
    RecordMetadata sent = ack(new ProducerRecord<>(letter.originTopic(), null, dead.key(), dead.value(), headers));
    String to = sent.topic() + "-" + sent.partition() + "@" + sent.offset();
    RecordHeaders marker = new RecordHeaders();
    put(marker, REDRIVE_OF, letter.position());
    put(marker, REDRIVEN_TO, to);
    ack(new ProducerRecord<>(letter.topic(), letter.partition(), dead.key(), new byte[0], marker));
    return to;
  }

  private RecordMetadata ack(ProducerRecord<byte[], byte[]> record) {
    if (producer == null) {
      producer = new KafkaProducer<>(kafka.producerProperties(clientId));
    }
    try {
      return producer.send(record).get();
    } catch (ExecutionException e) {
      throw new KafkaException("cannot write to " + record.topic() + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while writing to " + record.topic(), e);
    }
  }

  private record Entry(DeadLetter letter, ConsumerRecord<byte[], byte[]> record) {}

  /** Reads {@code topics} from the beginning to their end offsets as of now. */
  private List<Entry> read(List<String> topics) {
    List<TopicPartition> parts = new ArrayList<>();
    for (String topic : topics) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic);
      if (infos != null) {
        infos.forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
      }
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    Instant limit = Instant.now().plus(READ_LIMIT);
    while (parts.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
      if (Instant.now().isAfter(limit)) {
        throw new KafkaException("cannot read " + String.join(", ", topics) + " to its end within "
            + READ_LIMIT.toMinutes() + " minutes");
      }
      consumer.poll(POLL).forEach(records::add);
    }
    Set<String> redriven = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      header(r, REDRIVE_OF).ifPresent(of -> redriven.add(r.topic() + "-" + of));
    }
    List<Entry> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      if (header(r, REDRIVE_OF).isEmpty() && r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
        out.add(new Entry(letter(r, redriven.contains(r.topic() + "-" + r.partition() + "@" + r.offset())), r));
      }
    }
    return out;
  }

  private DeadLetter letter(ConsumerRecord<byte[], byte[]> r, boolean redriven) {
    String originTopic = header(r, "x-cnbfarm.origin.topic").orElse("");
    String origin = originTopic.isEmpty() ? "" : originTopic + "-" + header(r, "x-cnbfarm.origin.partition")
        .orElse("?") + "@" + header(r, "x-cnbfarm.origin.offset").orElse("?");
    Optional<Integer> attempts;
    try {
      attempts = header(r, "x-cnbfarm.attempts").map(Integer::valueOf);
    } catch (NumberFormatException e) {
      attempts = Optional.empty();
    }
    return new DeadLetter(r.topic(), r.partition(), r.offset(), Instant.ofEpochMilli(r.timestamp()),
        r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8), origin, originTopic,
        header(r, "x-cnbfarm.stage").orElse(""), header(r, "x-cnbfarm.code").orElse(""),
        header(r, "x-cnbfarm.category").orElse(""), header(r, "x-cnbfarm.exception").orElse(""),
        header(r, "x-cnbfarm.message").orElse(""), attempts, poison(r.value()), redriven,
        header(r, REDRIVEN_FROM).orElse(""));
  }

  private boolean poison(byte[] value) {
    if (value == null) {
      return true;
    }
    try {
      codec.decode(value);
      return false;
    } catch (UndecodableEventException e) {
      return true;
    }
  }

  private static Optional<String> header(ConsumerRecord<byte[], byte[]> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null || h.value() == null ? Optional.empty()
        : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
  }

  private static void put(RecordHeaders headers, String key, String value) {
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    consumer.close();
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
    }
  }
}
