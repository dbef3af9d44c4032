package dev.cnbfarm.lifecycle.dockerfile;

import java.util.Map;
import java.util.Optional;

/**
 * The {@code user[:group]} of a {@code USER} instruction (or of an image config's {@code User}),
 * after expansion; an empty {@code group} means none was given. Immutable.
 */
public record UserSpec(String user, String group) {
  public UserSpec {
    if (user == null || user.isEmpty() || group == null) {
      throw new IllegalArgumentException("user must be non-empty and group non-null");
    }
  }

  /** Splits {@code user[:group]} on its first colon. */
  public static UserSpec parse(String text) {
    String t = text.strip();
    int colon = t.indexOf(':');
    return colon < 0
        ? new UserSpec(t, "")
        : new UserSpec(t.substring(0, colon), t.substring(colon + 1));
  }

  /**
   * Expands a {@code USER} instruction's argument against {@code vars} and then splits it, the
   * order BuildKit uses (so {@code USER ${u:-1000}:${g:-1000}} works).
   *
   * @throws InvalidDockerfileException naming the file and line if it expands to nothing
   */
  public static UserSpec resolve(
      Dockerfile dockerfile, Instruction instruction, Map<String, String> vars) {
    if (!instruction.is("USER")) {
      throw new IllegalArgumentException("not USER: " + instruction.keyword());
    }
    String text = VariableExpander.expand(instruction.arguments(), vars, dockerfile.escape());
    if (text.isBlank() || text.startsWith(":")) {
      throw InvalidDockerfileException.at(
          dockerfile, instruction, "USER expands to no user: " + instruction.arguments());
    }
    return parse(text);
  }

  /** The group, if one was given. */
  public Optional<String> groupIfSet() {
    return group.isEmpty() ? Optional.empty() : Optional.of(group);
  }
}
