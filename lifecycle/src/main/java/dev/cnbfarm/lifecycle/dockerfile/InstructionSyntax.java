package dev.cnbfarm.lifecycle.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Splits one joined instruction line into keyword, flags and (shell or JSON) arguments. */
final class InstructionSyntax {
  private static final Set<String> KEYWORDS =
      Set.of(
          "ADD",
          "ARG",
          "CMD",
          "COPY",
          "ENTRYPOINT",
          "ENV",
          "EXPOSE",
          "FROM",
          "HEALTHCHECK",
          "LABEL",
          "MAINTAINER",
          "ONBUILD",
          "RUN",
          "SHELL",
          "STOPSIGNAL",
          "USER",
          "VOLUME",
          "WORKDIR");

  /** Instructions whose arguments BuildKit reads as a JSON array when they look like one. */
  private static final Set<String> JSON_CAPABLE =
      Set.of("RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME");

  private static final Set<String> HEREDOC_CAPABLE = Set.of("RUN", "COPY", "ADD");

  /** {@code <<EOF}, {@code <<-EOF}, {@code <<"EOF"}, but not the {@code <<<} here-string. */
  private static final Pattern HEREDOC = Pattern.compile("(?<!<)<<-?[\"']?[A-Za-z_]");

  private InstructionSyntax() {}

  static Instruction read(String text, int line, String label) {
    int split = firstBlank(text);
    String keyword = text.substring(0, split).toUpperCase(Locale.ROOT);
    if (!KEYWORDS.contains(keyword)) {
      throw InvalidDockerfileException.parseError(label, line, "unknown instruction: " + keyword);
    }
    String raw = text.substring(split).strip();
    if (HEREDOC_CAPABLE.contains(keyword) && HEREDOC.matcher(raw).find()) {
      throw InvalidDockerfileException.parseError(
          label, line, "heredocs (<<EOF) are not supported in " + keyword);
    }
    List<Flag> flags = new ArrayList<>();
    String arguments = stripFlags(raw, flags);
    if (arguments.isEmpty()) {
      throw InvalidDockerfileException.parseError(
          label, line, keyword + " requires at least one argument");
    }
    Optional<List<String>> json =
        JSON_CAPABLE.contains(keyword) ? JsonStringArray.parse(arguments) : Optional.empty();
    if (keyword.equals("SHELL") && json.isEmpty()) {
      throw InvalidDockerfileException.parseError(
          label, line, "SHELL requires the arguments to be in JSON form");
    }
    return new Instruction(
        keyword, raw, line, flags, json.isPresent(), json.orElse(List.of()), arguments);
  }

  /** Moves the leading {@code --name[=value]} words into {@code flags}; returns the rest. */
  private static String stripFlags(String raw, List<Flag> flags) {
    String rest = raw;
    while (rest.startsWith("--") && rest.length() > 2 && !Character.isWhitespace(rest.charAt(2))) {
      int end = wordEnd(rest);
      String word = rest.substring(2, end);
      int eq = word.indexOf('=');
      flags.add(
          eq < 0 ? Flag.of(word, "") : Flag.of(word.substring(0, eq), word.substring(eq + 1)));
      rest = rest.substring(end).stripLeading();
    }
    return rest;
  }

  /** End of the first word; blanks inside double or single quotes do not end it. */
  private static int wordEnd(String s) {
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        quote = c == quote ? 0 : quote;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (Character.isWhitespace(c)) {
        return i;
      }
    }
    return s.length();
  }

  private static int firstBlank(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return s.length();
  }
}
