package dev.cnbfarm.runtime.dlq;

/**
 * What a re-drive did with one dead-letter record. Immutable.
 *
 * @param letter the record
 * @param action what was done
 * @param to where it went ({@code topic-partition@offset}), or the topic it would go to; empty otherwise
 */
public record Redrive(DeadLetter letter, Action action, String to) {
  /** What was done with the record. */
  public enum Action {
    /** Sent back to its origin topic and marked re-driven. */
    REDRIVEN,
    /** {@code --dry-run}: would be sent back to its origin topic. */
    WOULD_REDRIVE,
    /** Skipped: an earlier re-drive sent it already. */
    ALREADY_REDRIVEN,
    /** Skipped: its headers name no origin topic. */
    NO_ORIGIN
  }
}
