package dev.cnbfarm.lifecycle.dockerfile;

import java.util.Arrays;
import java.util.List;

/**
 * The sources and destination of a {@code COPY} or {@code ADD}, as written (not expanded). Flags
 * such as {@code --from} and {@code --chown} stay on the {@link Instruction}. As in BuildKit, the
 * shell form splits on blanks only, so a path with a blank needs the JSON form. Immutable.
 */
public record CopyPaths(List<String> sources, String destination) {
  public CopyPaths {
    sources = List.copyOf(sources);
    if (sources.isEmpty() || destination == null || destination.isEmpty()) {
      throw new IllegalArgumentException("COPY needs a source and a destination");
    }
  }

  public static CopyPaths of(List<String> sources, String destination) {
    return new CopyPaths(sources, destination);
  }

  /**
   * Reads a {@code COPY} or {@code ADD} instruction of {@code dockerfile}.
   *
   * @throws InvalidDockerfileException naming the file and line when there are fewer than two paths
   */
  public static CopyPaths parse(Dockerfile dockerfile, Instruction instruction) {
    if (!instruction.is("COPY") && !instruction.is("ADD")) {
      throw new IllegalArgumentException("not COPY or ADD: " + instruction.keyword());
    }
    List<String> words =
        instruction.execForm()
            ? instruction.execArgs()
            : Arrays.asList(instruction.arguments().split("\\s+"));
    if (words.size() < 2) {
      throw InvalidDockerfileException.at(
          dockerfile, instruction, instruction.keyword() + " requires at least two arguments");
    }
    return of(words.subList(0, words.size() - 1), words.get(words.size() - 1));
  }
}
