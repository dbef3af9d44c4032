package dev.cnbfarm.lifecycle.dockerfile;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed Dockerfile: the label that messages name it by, its escape character (from the {@code #
 * escape=} directive, backslash by default) and its instructions in order. Built by {@link
 * DockerfileParser}; checked by {@link DockerfileRules}. Immutable.
 */
public record Dockerfile(String label, char escape, List<Instruction> instructions) {
  public Dockerfile {
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("label must not be blank");
    }
    if (escape != '\\' && escape != '`') {
      throw new IllegalArgumentException("escape must be \\ or `, not " + escape);
    }
    instructions = List.copyOf(instructions);
  }

  /** The {@code ARG}s before the first {@code FROM} (BuildKit's "meta args"). */
  public List<Instruction> globalArgs() {
    List<Instruction> args = new ArrayList<>();
    for (Instruction i : instructions) {
      if (i.is("FROM")) {
        break;
      }
      if (i.is("ARG")) {
        args.add(i);
      }
    }
    return List.copyOf(args);
  }

  /** One stage per {@code FROM}, in order; empty when there is no {@code FROM}. */
  public List<Stage> stages() {
    List<Stage> stages = new ArrayList<>();
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).is("FROM")) {
        int end = i + 1;
        while (end < instructions.size() && !instructions.get(end).is("FROM")) {
          end++;
        }
        stages.add(Stage.of(instructions.get(i), instructions.subList(i + 1, end)));
        i = end - 1;
      }
    }
    return List.copyOf(stages);
  }
}
