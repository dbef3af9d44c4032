package dev.cnbfarm.lifecycle.dockerfile;

import java.util.Optional;

/**
 * The parts of a {@code FROM [--platform=p] image [AS name]} instruction, as written (not
 * expanded); an empty {@code stageName} or {@code platform} means it was not given. Immutable.
 */
public record FromSpec(String image, String stageName, String platform) {
  public FromSpec {
    if (image == null || image.isEmpty() || stageName == null || platform == null) {
      throw new IllegalArgumentException("image must be non-empty, name and platform non-null");
    }
  }

  /**
   * Reads a {@code FROM} instruction of {@code dockerfile}.
   *
   * @throws InvalidDockerfileException naming the file and line unless there are one or three words
   *     ({@code image AS name})
   */
  public static FromSpec parse(Dockerfile dockerfile, Instruction instruction) {
    if (!instruction.is("FROM")) {
      throw new IllegalArgumentException("not FROM: " + instruction.keyword());
    }
    String[] words = instruction.arguments().split("\\s+");
    String platform = instruction.flag("platform").orElse("");
    if (words.length == 1) {
      return new FromSpec(words[0], "", platform);
    }
    if (words.length == 3 && words[1].equalsIgnoreCase("AS")) {
      return new FromSpec(words[0], words[2], platform);
    }
    throw InvalidDockerfileException.at(
        dockerfile, instruction, "FROM requires either one or three arguments");
  }

  /** The {@code AS} name, if any. */
  public Optional<String> stageNameIfSet() {
    return stageName.isEmpty() ? Optional.empty() : Optional.of(stageName);
  }
}
