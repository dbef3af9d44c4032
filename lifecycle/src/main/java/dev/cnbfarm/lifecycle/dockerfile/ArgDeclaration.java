package dev.cnbfarm.lifecycle.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One name of an {@code ARG name[=default]} instruction, with its default as written (quotes and
 * variables not yet expanded). {@code ARG x} (no default, so unset) differs from {@code ARG x=}
 * (set to empty). Immutable.
 */
public final class ArgDeclaration {
  private final String name;
  private final String defaultValue;
  private final boolean hasDefault;

  private ArgDeclaration(String name, String defaultValue, boolean hasDefault) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("ARG name must not be empty");
    }
    this.name = name;
    this.defaultValue = defaultValue;
    this.hasDefault = hasDefault;
  }

  public static ArgDeclaration of(String name) {
    return new ArgDeclaration(name, "", false);
  }

  public static ArgDeclaration of(String name, String defaultValue) {
    return new ArgDeclaration(name, defaultValue, true);
  }

  /**
   * The declarations of one {@code ARG} instruction ({@code ARG a b=1} declares two).
   *
   * @throws InvalidDockerfileException naming the file and line for a blank name
   */
  public static List<ArgDeclaration> parseAll(Dockerfile dockerfile, Instruction instruction) {
    if (!instruction.is("ARG")) {
      throw new IllegalArgumentException("not ARG: " + instruction.keyword());
    }
    List<ArgDeclaration> out = new ArrayList<>();
    for (String word : Words.split(instruction.arguments(), dockerfile.escape())) {
      int eq = word.indexOf('=');
      if (eq == 0) {
        throw InvalidDockerfileException.at(dockerfile, instruction, "ARG names can not be blank");
      }
      out.add(eq < 0 ? of(word) : of(word.substring(0, eq), word.substring(eq + 1)));
    }
    return List.copyOf(out);
  }

  public String name() {
    return name;
  }

  /** The default as written, if the declaration has one. */
  public Optional<String> defaultValue() {
    return hasDefault ? Optional.of(defaultValue) : Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ArgDeclaration a
        && a.name.equals(name)
        && a.defaultValue.equals(defaultValue)
        && a.hasDefault == hasDefault;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, defaultValue, hasDefault);
  }

  @Override
  public String toString() {
    return hasDefault ? name + "=" + defaultValue : name;
  }
}
