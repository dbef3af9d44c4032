package dev.cnbfarm.lifecycle.dockerfile;

import java.util.List;
import java.util.Optional;

/**
 * One Dockerfile instruction as written: its upper-case keyword, the text after the keyword (with
 * line continuations joined), the 1-based line it starts on, its leading flags, and its JSON (exec)
 * form when it has one. Nothing is expanded here. Immutable.
 *
 * @param keyword upper-case keyword, e.g. {@code COPY}
 * @param rawArguments the text after the keyword, flags included, trimmed
 * @param line 1-based number of the instruction's first physical line
 * @param flags leading {@code --name[=value]} flags, in order
 * @param execForm whether {@link #arguments()} is a JSON array of strings
 * @param execArgs the parsed JSON array when {@code execForm}, else empty
 * @param arguments {@code rawArguments} with the leading flags removed, trimmed
 */
public record Instruction(
    String keyword,
    String rawArguments,
    int line,
    List<Flag> flags,
    boolean execForm,
    List<String> execArgs,
    String arguments) {

  public Instruction {
    if (keyword == null || keyword.isEmpty() || !keyword.equals(keyword.toUpperCase())) {
      throw new IllegalArgumentException("keyword must be non-empty upper case: " + keyword);
    }
    if (rawArguments == null || arguments == null) {
      throw new IllegalArgumentException("arguments must not be null");
    }
    if (line < 1) {
      throw new IllegalArgumentException("line must be 1 or more: " + line);
    }
    flags = List.copyOf(flags);
    execArgs = List.copyOf(execArgs);
    if (!execForm && !execArgs.isEmpty()) {
      throw new IllegalArgumentException("execArgs given for a shell-form instruction");
    }
  }

  /** True when the keyword is {@code keyword}, compared without regard to case. */
  public boolean is(String keyword) {
    return this.keyword.equalsIgnoreCase(keyword);
  }

  /** The value of the first flag called {@code name}, if any. */
  public Optional<String> flag(String name) {
    return flags.stream().filter(f -> f.name().equals(name)).map(Flag::value).findFirst();
  }
}
