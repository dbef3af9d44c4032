package dev.cnbfarm.runtime.join;

import dev.cnbfarm.runtime.codec.EventCodec;
import dev.cnbfarm.runtime.codec.UndecodableEventException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes an input record; an undecodable one (style.md §5: poison) becomes a {@link
 * Decoded.Poison} that keeps the original bytes and gains the {@code x-cnbfarm.*} headers of the
 * dead-letter topic (origin topic, partition, offset, exception, message, stage, worker). Logged
 * once, at ERROR. One instance per task.
 */
final class DecodeProcessor<T extends SpecificRecord> implements FixedKeyProcessor<byte[], byte[], Decoded<T>> {
  private static final Logger log = LoggerFactory.getLogger(DecodeProcessor.class);

  private final EventCodec codec;
  private final Class<T> type;
  private final String stage;
  private final String worker;
  private final JoinMetrics metrics;
  private FixedKeyProcessorContext<byte[], Decoded<T>> context;

  DecodeProcessor(EventCodec codec, Class<T> type, String stage, String worker, JoinMetrics metrics) {
    this.metrics = metrics;
    this.codec = codec;
    this.type = type;
    this.stage = stage;
    this.worker = worker;
  }

  @Override
  public void init(FixedKeyProcessorContext<byte[], Decoded<T>> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<byte[], byte[]> record) {
    context.recordMetadata().ifPresent(m -> metrics.consumed(m.topic()));
    try {
      T event = codec.decode(record.value(), type);
      context.forward(record.withValue(new Decoded.Event<>(event)));
    } catch (UndecodableEventException e) {
      RecordMetadata origin = context.recordMetadata().orElseThrow();
      metrics.poison();
      log.error("poison record {}-{}@{} to its dead-letter topic: {}", origin.topic(), origin.partition(),
          origin.offset(), e.getMessage());
      Headers headers = new RecordHeaders(record.headers().toArray());
      put(headers, "x-cnbfarm.origin.topic", origin.topic());
      put(headers, "x-cnbfarm.origin.partition", String.valueOf(origin.partition()));
      put(headers, "x-cnbfarm.origin.offset", String.valueOf(origin.offset()));
      put(headers, "x-cnbfarm.exception", e.getClass().getName());
      put(headers, "x-cnbfarm.message", String.valueOf(e.getMessage()));
      put(headers, "x-cnbfarm.stage", stage);
      put(headers, "x-cnbfarm.worker", worker);
      context.forward(record.withValue((Decoded<T>) new Decoded.Poison<T>(record.value())).withHeaders(headers));
    }
  }

  private static void put(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
