package dev.cnbfarm.lifecycle.dockerfile;

import java.util.List;
import java.util.Optional;

/**
 * What {@link DockerfileRules} found in a valid Dockerfile: warnings for the user, the image the
 * Dockerfile switches to (empty {@code newBase} when it builds on the current base, {@code FROM
 * ${base_image}}), and whether it extends the image with instructions after {@code FROM}.
 * Immutable.
 *
 * @param warnings messages naming the file and line, e.g. {@code <file> command CMD on line 4 is
 *     not recommended}
 * @param newBase the {@code FROM} image verbatim (tag or digest kept) for a switch; empty otherwise
 * @param extend whether the Dockerfile adds to the image (always true for build.Dockerfile)
 */
public record DockerfileCheck(List<String> warnings, String newBase, boolean extend) {
  public DockerfileCheck {
    warnings = List.copyOf(warnings);
    if (newBase == null) {
      throw new IllegalArgumentException("newBase must not be null (use \"\" for no switch)");
    }
  }

  /** The image to switch to, if the Dockerfile switches the base image. */
  public Optional<String> switchTo() {
    return newBase.isEmpty() ? Optional.empty() : Optional.of(newBase);
  }

  /** Whether the Dockerfile switches the base image (a run-image switch, extensions.md §4.2). */
  public boolean switches() {
    return !newBase.isEmpty();
  }
}
