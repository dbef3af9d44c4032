package dev.cnbfarm.lifecycle.dockerfile;

import java.util.List;

/**
 * One build stage: its {@code FROM} instruction and the instructions after it, up to the next
 * {@code FROM}. Immutable.
 */
public record Stage(Instruction from, List<Instruction> body) {
  public Stage {
    if (from == null || !from.is("FROM")) {
      throw new IllegalArgumentException("a stage starts with FROM, not " + from);
    }
    body = List.copyOf(body);
  }

  public static Stage of(Instruction from, List<Instruction> body) {
    return new Stage(from, body);
  }
}
