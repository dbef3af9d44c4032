package dev.cnbfarm.runtime.loop;

import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.Topics;
import dev.cnbfarm.runtime.codec.EventCodec;
import dev.cnbfarm.runtime.handler.HandlerResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * The loop's records on the wire: events as EventCodec bytes keyed by the UTF-8 build id, sent
 * together, and acknowledged by every in-sync replica ({@code acks=all}) before the loop commits.
 * Thread-safe (the producer is).
 */
final class Outputs {
  private final Producer<byte[], byte[]> producer;
  private final EventCodec codec;
  private final Topics topics;

  Outputs(Producer<byte[], byte[]> producer, EventCodec codec, Topics topics) {
    this.producer = producer;
    this.codec = codec;
    this.topics = topics;
  }

  List<ProducerRecord<byte[], byte[]>> of(HandlerResult result) {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    for (HandlerResult.Output o : result.outputs()) {
      out.add(record(o.topic(), o.key(), o.value()));
    }
    return out;
  }

  ProducerRecord<byte[], byte[]> record(Topic topic, String key, SpecificRecord value) {
    return new ProducerRecord<>(topics.name(topic), key.getBytes(StandardCharsets.UTF_8), codec.encode(value));
  }

  /** Sends all of {@code records} and waits for their acks; the failure of the first that failed, if any. */
  Optional<Throwable> sendAll(List<ProducerRecord<byte[], byte[]>> records) throws InterruptedException {
    try {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (ProducerRecord<byte[], byte[]> r : records) {
        acks.add(producer.send(r));
      }
      for (Future<RecordMetadata> ack : acks) {
        ack.get();
      }
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.of(e.getCause());
    } catch (KafkaException e) {
      return Optional.of(e);
    }
  }
}
