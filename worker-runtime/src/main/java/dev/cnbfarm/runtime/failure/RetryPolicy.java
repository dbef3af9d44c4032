package dev.cnbfarm.runtime.failure;

import java.time.Duration;
import java.util.Objects;

/**
 * How a retryable failure is retried (style.md §5): exponential backoff from {@code initial},
 * doubled up to {@code max}, at most {@code maxAttempts} tries, all within {@code deadline} of the
 * first. Immutable.
 */
public record RetryPolicy(int maxAttempts, Duration initial, Duration max, Duration deadline) {
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    Objects.requireNonNull(deadline, "deadline");
    if (initial.isNegative() || max.compareTo(initial) < 0 || deadline.isNegative()) {
      throw new IllegalArgumentException("backoff must satisfy 0 <= initial <= max and deadline >= 0");
    }
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofMinutes(2));
  }

  /** The wait before try {@code attempt + 1} after {@code attempt} failed (attempt counts from 1). */
  public Duration backoff(int attempt) {
    Duration d = initial;
    for (int i = 1; i < attempt && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }

  /** Whether another try may start after {@code attempt} tries that took {@code elapsed} so far. */
  public boolean mayRetry(int attempt, Duration elapsed) {
    return attempt < maxAttempts && elapsed.plus(backoff(attempt)).compareTo(deadline) <= 0;
  }
}
