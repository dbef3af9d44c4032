package dev.cnbfarm.runtime.client;

import dev.cnbfarm.schemas.AppliedDockerfile;
import dev.cnbfarm.schemas.BuildDetected;
import dev.cnbfarm.schemas.BuildExported;
import dev.cnbfarm.schemas.BuildRequested;
import dev.cnbfarm.schemas.GroupModule;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One build's events in the order they were written, for {@code cnbfarm history} (design.md §1:
 * who asked, which buildpacks and extensions ran, which Dockerfiles were applied, which digest
 * came out). The accessors read the highest attempt. Immutable.
 */
public record BuildHistory(String buildId, List<BuildEvent> events) {
  public BuildHistory {
    Objects.requireNonNull(buildId, "buildId");
    events = List.copyOf(events);
  }

  /** The request (of the highest attempt). */
  public Optional<BuildRequested> requested() {
    return last(BuildEvent.Requested.class).map(BuildEvent.Requested::event);
  }

  /** The group that passed detection, buildpacks and extensions in order; empty before detect. */
  public List<GroupModule> group() {
    return detected().map(BuildDetected::getGroup).orElse(List.of());
  }

  /** The Dockerfiles the extensions generated and the extend phases applied. */
  public List<AppliedDockerfile> dockerfiles() {
    return detected().map(BuildDetected::getDockerfiles).orElse(List.of());
  }

  /** The written app image. */
  public Optional<BuildExported> exported() {
    return last(BuildEvent.Exported.class).map(BuildEvent.Exported::event);
  }

  public Optional<BuildStatus> status() {
    return BuildStatus.of(buildId, events);
  }

  private Optional<BuildDetected> detected() {
    return last(BuildEvent.Detected.class).map(BuildEvent.Detected::event);
  }

  private <T extends BuildEvent> Optional<T> last(Class<T> kind) {
    int attempt = events.stream().mapToInt(BuildEvent::attempt).max().orElse(0);
    T found = null;
    for (BuildEvent e : events) {
      if (kind.isInstance(e) && e.attempt() == attempt) {
        found = kind.cast(e);
      }
    }
    return Optional.ofNullable(found);
  }
}
