package dev.cnbfarm.runtime.join;

import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A value on its way to the topic it names (the handler's outputs, log lines, failures). Immutable. */
record Routed(String topic, byte[] value) {
  Routed {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(value, "value");
  }

  /** Writes the value only: the topic was chosen by the sink. */
  static Serde<Routed> serde() {
    Serializer<Routed> serializer = (topic, routed) -> routed == null ? null : routed.value();
    Deserializer<Routed> deserializer = (topic, bytes) -> bytes == null ? null : new Routed(topic, bytes);
    return org.apache.kafka.common.serialization.Serdes.serdeFrom(serializer, deserializer);
  }
}
