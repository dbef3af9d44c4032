package dev.cnbfarm.runtime;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Event ids derived from what the event is (design.md §8): a redelivered input recomputes the
 * same id, so a consumer can tell a duplicate from a new event. Stateless.
 */
public final class EventIds {
  private EventIds() {}

  /** A name-based UUID of build id, event kind (e.g. {@code detected}) and attempt. */
  public static String of(String buildId, String kind, int attempt) {
    return UUID.nameUUIDFromBytes((buildId + "/" + kind + "/" + attempt).getBytes(StandardCharsets.UTF_8)).toString();
  }
}
