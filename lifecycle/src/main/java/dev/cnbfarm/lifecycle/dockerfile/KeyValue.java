package dev.cnbfarm.lifecycle.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One {@code key=value} pair of an {@code ENV} or {@code LABEL} instruction, as written: quotes and
 * escapes are still in place until {@link #expanded} is called. Immutable.
 */
public record KeyValue(String key, String value) {
  public KeyValue {
    if (key == null || key.isEmpty() || value == null) {
      throw new IllegalArgumentException("key must be non-empty and value non-null");
    }
  }

  public static KeyValue of(String key, String value) {
    return new KeyValue(key, value);
  }

  /**
   * The pairs of an {@code ENV} or {@code LABEL} instruction of {@code dockerfile}: either {@code
   * k=v k2="v 2"} or the legacy single pair {@code k v with spaces} (the value is the rest of the
   * line).
   *
   * @throws InvalidDockerfileException naming the file and line for a blank name or a word without
   *     {@code =}, or a legacy form without a value
   */
  public static List<KeyValue> parseAll(Dockerfile dockerfile, Instruction instruction) {
    if (!instruction.is("ENV") && !instruction.is("LABEL")) {
      throw new IllegalArgumentException("not ENV or LABEL: " + instruction.keyword());
    }
    String kw = instruction.keyword();
    String args = instruction.arguments();
    List<String> words = Words.split(args, dockerfile.escape());
    if (words.isEmpty()) {
      throw InvalidDockerfileException.at(
          dockerfile, instruction, kw + " requires at least one argument");
    }
    if (!words.get(0).contains("=")) {
      String[] parts = args.split("\\s+", 2);
      if (parts.length < 2) {
        throw InvalidDockerfileException.at(
            dockerfile, instruction, kw + " must have two arguments");
      }
      return List.of(of(parts[0], parts[1].strip()));
    }
    List<KeyValue> pairs = new ArrayList<>();
    for (String word : words) {
      int eq = word.indexOf('=');
      if (eq < 0) {
        throw InvalidDockerfileException.at(
            dockerfile, instruction, "can't find = in \"" + word + "\" (want name=value)");
      }
      if (eq == 0) {
        throw InvalidDockerfileException.at(
            dockerfile, instruction, kw + " names can not be blank");
      }
      pairs.add(of(word.substring(0, eq), word.substring(eq + 1)));
    }
    return List.copyOf(pairs);
  }

  /** This pair with quotes removed and variables expanded, as the builder stores it. */
  public KeyValue expanded(Map<String, String> vars, char escape) {
    return of(
        VariableExpander.expand(key, vars, escape), VariableExpander.expand(value, vars, escape));
  }
}
