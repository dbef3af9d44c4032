package dev.cnbfarm.runtime.join;

import dev.cnbfarm.runtime.codec.EventCodec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** One event class in the pipeline's wire format, for the join's stores and changelogs. Thread-safe. */
final class EventSerde<T extends SpecificRecord> implements Serde<T> {
  private final EventCodec codec;
  private final Class<T> type;

  EventSerde(EventCodec codec, Class<T> type) {
    this.codec = codec;
    this.type = type;
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, event) -> event == null ? null : codec.encode(event);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> bytes == null ? null : codec.decode(bytes, type);
  }
}
