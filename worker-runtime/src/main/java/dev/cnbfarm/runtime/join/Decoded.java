package dev.cnbfarm.runtime.join;

import org.apache.avro.specific.SpecificRecord;

/** A record of an input topic after decoding: an event, or poison for the dead-letter topic. Immutable. */
sealed interface Decoded<T extends SpecificRecord> {
  /** A decoded event. */
  record Event<T extends SpecificRecord>(T event) implements Decoded<T> {}

  /** Bytes that are no event of the topic, kept as they came; the DLQ headers are on the record. */
  record Poison<T extends SpecificRecord>(byte[] bytes) implements Decoded<T> {}
}
