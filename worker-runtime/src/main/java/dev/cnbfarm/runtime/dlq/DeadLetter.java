package dev.cnbfarm.runtime.dlq;

import java.time.Instant;
import java.util.Optional;

/**
 * One record of a dead-letter topic as its {@code x-cnbfarm.*} headers describe it (style.md §5):
 * where it is, where it came from, why it is here, and whether it was re-driven. Immutable.
 *
 * @param topic the dead-letter topic
 * @param partition its partition there
 * @param offset its offset there
 * @param timestamp when it was written to the dead-letter topic
 * @param buildId the record's key (the build id); empty for a record without a key
 * @param origin the topic, partition and offset it was read from, as {@code topic-partition@offset}; empty when
 *     the headers do not say
 * @param originTopic the topic a re-drive sends it to; empty when the headers do not say
 * @param stage where it failed: {@code decode} or {@code handle} (a consumer loop), or the join's phase
 * @param code the failure code, when the headers give one
 * @param category the failure category, when the headers give one
 * @param exception the failure's exception type, when the headers give one
 * @param message the failure's message
 * @param attempts the tries the handler had, when the headers give them
 * @param poison whether the value is no event the pipeline can decode: a re-drive sends it back here
 * @param redriven whether {@code cnbfarm dlq redrive} has already sent it back to its origin topic
 * @param redrivenFrom the dead-letter record it was re-driven from, when it came back here after a re-drive
 */
public record DeadLetter(String topic, int partition, long offset, Instant timestamp, String buildId, String origin,
    String originTopic, String stage, String code, String category, String exception, String message,
    Optional<Integer> attempts, boolean poison, boolean redriven, String redrivenFrom) {

  /** Its position in the dead-letter topic, {@code partition@offset}: what {@code --offset} names. */
  public String position() {
    return partition + "@" + offset;
  }
}
