package dev.cnbfarm.runtime.client;

import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.schemas.BuildFailed;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a build is: its highest attempt, the last phase event of that attempt, and the outcome
 * with the image digest or the failure. Immutable.
 *
 * @param phase the topic of the attempt's latest event ({@link Topic#EXPORTED} or {@link
 *     Topic#FAILED} once it ended)
 */
public record BuildStatus(String buildId, int attempt, Topic phase, Outcome outcome, Instant updatedAt,
    Optional<String> image, Optional<String> imageDigest, Optional<BuildFailed> failure) {

  /** How a build stands. */
  public enum Outcome {
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  public BuildStatus {
    Objects.requireNonNull(buildId, "buildId");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** The status after {@code events} (one build's, in order, logs ignored); empty without any. */
  static Optional<BuildStatus> of(String buildId, List<BuildEvent> events) {
    int attempt = events.stream().filter(e -> !(e instanceof BuildEvent.Log)).mapToInt(BuildEvent::attempt).max()
        .orElse(0);
    BuildEvent last = null;
    for (BuildEvent e : events) {
      if (!(e instanceof BuildEvent.Log) && e.attempt() == attempt && (last == null || !last.terminal())) {
        last = e;
      }
    }
    if (last == null) {
      return Optional.empty();
    }
    if (last instanceof BuildEvent.Exported x) {
      return Optional.of(new BuildStatus(buildId, attempt, last.topic(), Outcome.SUCCEEDED, last.timestamp(),
          Optional.of(x.event().getImage()), Optional.of(x.event().getImageDigest()), Optional.empty()));
    }
    if (last instanceof BuildEvent.Failed f) {
      return Optional.of(new BuildStatus(buildId, attempt, last.topic(), Outcome.FAILED, last.timestamp(),
          Optional.empty(), Optional.empty(), Optional.of(f.event())));
    }
    return Optional.of(new BuildStatus(buildId, attempt, last.topic(), Outcome.RUNNING, last.timestamp(),
        Optional.empty(), Optional.empty(), Optional.empty()));
  }
}
