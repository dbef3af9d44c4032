package dev.cnbfarm.runtime.dlq;

import java.util.List;
import java.util.Optional;

/**
 * Which dead-letter records a re-drive takes: every one, those of one build, and/or those at the
 * given positions ({@code <offset>} in any partition, or {@code <partition>@<offset>}). Immutable.
 *
 * @param buildId only records with this key, when given
 * @param positions only records at these positions, when not empty
 */
public record Selection(Optional<String> buildId, List<String> positions) {
  public Selection {
    positions = List.copyOf(positions);
    for (String p : positions) {
      if (!p.matches("([0-9]+@)?[0-9]+")) {
        throw new IllegalArgumentException("--offset '" + p + "' is no <offset> or <partition>@<offset>");
      }
    }
  }

  /** Every record. */
  public static Selection all() {
    return new Selection(Optional.empty(), List.of());
  }

  boolean selects(DeadLetter letter) {
    if (buildId.isPresent() && !buildId.get().equals(letter.buildId())) {
      return false;
    }
    return positions.isEmpty() || positions.stream().anyMatch(p -> p.contains("@")
        ? p.equals(letter.position()) : Long.parseLong(p) == letter.offset());
  }
}
