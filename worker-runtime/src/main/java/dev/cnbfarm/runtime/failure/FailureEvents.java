package dev.cnbfarm.runtime.failure;

import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.Failures;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.runtime.EventIds;
import dev.cnbfarm.schemas.BuildFailed;
import dev.cnbfarm.schemas.FailureCategory;
import java.time.Clock;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * The {@code BuildFailed} event of a phase that ended in a failure (design.md §8), the one
 * mapping from our failure taxonomy to the event: the code and its lifecycle exit code, the
 * category, a message without Java class names, and the log excerpt. Its id is derived from build
 * id and attempt, so a redelivered input fails with the same event. Stateless.
 */
public final class FailureEvents {
  private FailureEvents() {}

  /** The envelope fields every event has, read from any pipeline event. */
  public record Envelope(String eventId, String buildId, int attempt) {
    public static Optional<Envelope> of(SpecificRecord event) {
      Schema schema = event.getSchema();
      if (schema.getField("buildId") == null || schema.getField("attempt") == null) {
        return Optional.empty();
      }
      Object eventId = schema.getField("eventId") == null ? "" : event.get(schema.getField("eventId").pos());
      return Optional.of(new Envelope(String.valueOf(eventId), String.valueOf(event.get(schema.getField("buildId").pos())),
          (Integer) event.get(schema.getField("attempt").pos())));
    }
  }

  /**
   * The failure event of {@code failure} while {@code phase} handled an event of {@code input}.
   *
   * @param phaseDefault the code of a failure that brings none (an image store error during
   *     extend is {@link FailureCode#EXTEND_ERROR}, exit 102)
   */
  public static BuildFailed of(Envelope input, String phase, Throwable failure, FailureCode phaseDefault,
      String logExcerpt, int retries, String producer, Clock clock) {
    LifecycleException known = Failures.classify(failure, phaseDefault);
    return of(input, phase, known.code(), known.category(), known.getMessage(), logExcerpt, retries, producer, clock);
  }

  /** A failure event with a code and message given (a build outcome: no group passed). */
  public static BuildFailed of(Envelope input, String phase, FailureCode code, Category category, String message,
      String logExcerpt, int retries, String producer, Clock clock) {
    return BuildFailed.newBuilder()
        .setEventId(EventIds.of(input.buildId(), "failed", input.attempt()))
        .setBuildId(input.buildId())
        .setAttempt(input.attempt())
        .setOccurredAt(clock.instant())
        .setProducer(producer)
        .setPhase(phase)
        .setCode(dev.cnbfarm.schemas.FailureCode.valueOf(code.name()))
        .setExitCode(code.exitCode())
        .setCategory(FailureCategory.valueOf(category.name()))
        .setMessage(message == null || message.isBlank() ? code.name().toLowerCase() : message)
        .setLogExcerpt(logExcerpt == null || logExcerpt.isEmpty() ? null : logExcerpt)
        .setRetries(retries)
        .build();
  }
}
