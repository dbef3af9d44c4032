package dev.cnbfarm.runtime.client;

import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.codec.UndecodableEventException;
import dev.cnbfarm.runtime.failure.FailureEvents;
import dev.cnbfarm.schemas.BuildBuilt;
import dev.cnbfarm.schemas.BuildDetected;
import dev.cnbfarm.schemas.BuildExported;
import dev.cnbfarm.schemas.BuildFailed;
import dev.cnbfarm.schemas.BuildLog;
import dev.cnbfarm.schemas.BuildRequested;
import dev.cnbfarm.schemas.RunImageReady;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/**
 * One event of a build as read from the log: the decoded event, its topic, and where and when it
 * was written (record timestamp, partition, offset). One case per pipeline topic. Immutable.
 */
public sealed interface BuildEvent permits BuildEvent.Requested, BuildEvent.Detected, BuildEvent.Built,
    BuildEvent.RunReady, BuildEvent.Exported, BuildEvent.Failed, BuildEvent.Log {
  Topic topic();

  SpecificRecord event();

  /** The record's timestamp (the producer's time of writing). */
  Instant timestamp();

  int partition();

  long offset();

  default String buildId() {
    return FailureEvents.Envelope.of(event()).orElseThrow().buildId();
  }

  default int attempt() {
    return FailureEvents.Envelope.of(event()).orElseThrow().attempt();
  }

  /** Whether nothing more happens to this attempt: it was exported, or it failed. */
  default boolean terminal() {
    return this instanceof Exported || this instanceof Failed;
  }

  record Requested(BuildRequested event, Instant timestamp, int partition, long offset) implements BuildEvent {
    @Override
    public Topic topic() {
      return Topic.REQUESTED;
    }
  }

  record Detected(BuildDetected event, Instant timestamp, int partition, long offset) implements BuildEvent {
    @Override
    public Topic topic() {
      return Topic.DETECTED;
    }
  }

  record Built(BuildBuilt event, Instant timestamp, int partition, long offset) implements BuildEvent {
    @Override
    public Topic topic() {
      return Topic.BUILT;
    }
  }

  record RunReady(RunImageReady event, Instant timestamp, int partition, long offset) implements BuildEvent {
    @Override
    public Topic topic() {
      return Topic.RUN_READY;
    }
  }

  record Exported(BuildExported event, Instant timestamp, int partition, long offset) implements BuildEvent {
    @Override
    public Topic topic() {
      return Topic.EXPORTED;
    }
  }

  record Failed(BuildFailed event, Instant timestamp, int partition, long offset) implements BuildEvent {
    @Override
    public Topic topic() {
      return Topic.FAILED;
    }
  }

  record Log(BuildLog event, Instant timestamp, int partition, long offset) implements BuildEvent {
    @Override
    public Topic topic() {
      return Topic.LOGS;
    }
  }

  /**
   * The event read from {@code topic}.
   *
   * @throws UndecodableEventException when the event is not the one {@code topic} carries
   */
  static BuildEvent of(Topic topic, SpecificRecord event, Instant timestamp, int partition, long offset) {
    if (topic == Topic.REQUESTED && event instanceof BuildRequested e) {
      return new Requested(e, timestamp, partition, offset);
    } else if (topic == Topic.DETECTED && event instanceof BuildDetected e) {
      return new Detected(e, timestamp, partition, offset);
    } else if (topic == Topic.BUILT && event instanceof BuildBuilt e) {
      return new Built(e, timestamp, partition, offset);
    } else if (topic == Topic.RUN_READY && event instanceof RunImageReady e) {
      return new RunReady(e, timestamp, partition, offset);
    } else if (topic == Topic.EXPORTED && event instanceof BuildExported e) {
      return new Exported(e, timestamp, partition, offset);
    } else if (topic == Topic.FAILED && event instanceof BuildFailed e) {
      return new Failed(e, timestamp, partition, offset);
    } else if (topic == Topic.LOGS && event instanceof BuildLog e) {
      return new Log(e, timestamp, partition, offset);
    }
    throw new UndecodableEventException("a " + event.getSchema().getName() + " event on the " + topic.name()
        + " topic");
  }
}
