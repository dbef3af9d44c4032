package dev.cnbfarm.lifecycle.dockerfile;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Dockerfile text into a {@link Dockerfile}, following BuildKit's line rules: parser
 * directives ({@code # escape=}, {@code # syntax=}, {@code # check=}) at the top, comment and blank
 * lines skipped (also inside a continued instruction), line continuations with the escape character
 * (trailing blanks after it tolerated), case-insensitive keywords. Heredocs ({@code <<EOF}) are not
 * supported and are rejected. Nothing is expanded. Stateless and thread-safe.
 *
 * <p>Used at generate time to validate extension output (extensions.md §3.5) and by the Dockerfile
 * applier at extend time.
 */
public final class DockerfileParser {
  /** BuildKit's directive form; only valid before the first comment, blank line or instruction. */
  private static final Pattern DIRECTIVE =
      Pattern.compile("^\\s*#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.*?)\\s*$");

  private static final Set<String> KNOWN_DIRECTIVES = Set.of("escape", "syntax", "check");

  private DockerfileParser() {}

  /**
   * Parses {@code content}; {@code fileLabel} is the name error messages use, such as {@code
   * /layers/generated/samples_vim/build.Dockerfile}.
   *
   * @throws InvalidDockerfileException if the text is not a Dockerfile (unknown instruction,
   *     missing arguments, heredoc, bad directive, no instructions at all)
   */
  public static Dockerfile parse(String content, String fileLabel) {
    String text = content.startsWith("\uFEFF") ? content.substring(1) : content;
    String[] lines = text.split("\r?\n", -1);
    int first = 0;
    char escape = '\\';
    Set<String> seen = new HashSet<>();
    for (; first < lines.length; first++) {
      Matcher m = DIRECTIVE.matcher(lines[first]);
      if (!m.matches() || !KNOWN_DIRECTIVES.contains(m.group(1).toLowerCase(Locale.ROOT))) {
        break;
      }
      String name = m.group(1).toLowerCase(Locale.ROOT);
      if (!seen.add(name)) {
        throw InvalidDockerfileException.parseError(
            fileLabel, first + 1, "only one " + name + " parser directive can be used");
      }
      if (name.equals("escape")) {
        escape = escapeToken(m.group(2), fileLabel, first + 1);
      }
    }
    List<Instruction> instructions = instructions(lines, first, escape, fileLabel);
    if (instructions.isEmpty()) {
      throw new InvalidDockerfileException(fileLabel + ": file with no instructions");
    }
    requireStageBeforeCommands(instructions, fileLabel);
    return new Dockerfile(fileLabel, escape, instructions);
  }

  private static char escapeToken(String value, String label, int line) {
    if (!value.equals("\\") && !value.equals("`")) {
      throw InvalidDockerfileException.parseError(
          label, line, "invalid escape token '" + value + "' does not match [`\\]");
    }
    return value.charAt(0);
  }

  private static List<Instruction> instructions(
      String[] lines, int from, char escape, String label) {
    Pattern continuation = Pattern.compile(Pattern.quote(String.valueOf(escape)) + "[ \\t]*$");
    List<Instruction> out = new ArrayList<>();
    for (int i = from; i < lines.length; i++) {
      if (skippable(lines[i])) {
        continue;
      }
      int start = i + 1;
      StringBuilder joined = new StringBuilder();
      String current = lines[i];
      while (true) {
        Matcher m = continuation.matcher(current);
        if (!m.find()) {
          joined.append(current);
          break;
        }
        joined.append(current, 0, m.start());
        i = nextContentLine(lines, i + 1);
        if (i >= lines.length) {
          break;
        }
        current = lines[i];
      }
      out.add(InstructionSyntax.read(joined.toString().strip(), start, label));
    }
    return out;
  }

  /** Comment and blank lines are dropped, also in the middle of a continued instruction. */
  private static boolean skippable(String line) {
    String s = line.strip();
    return s.isEmpty() || s.startsWith("#");
  }

  private static int nextContentLine(String[] lines, int from) {
    int i = from;
    while (i < lines.length && skippable(lines[i])) {
      i++;
    }
    return i;
  }

  /** Only ARG may come before the first FROM (BuildKit: "no build stage in current context"). */
  private static void requireStageBeforeCommands(List<Instruction> instructions, String label) {
    for (Instruction i : instructions) {
      if (i.is("FROM")) {
        return;
      }
      if (!i.is("ARG")) {
        throw InvalidDockerfileException.parseError(
            label,
            i.line(),
            "no build stage in current context (" + i.keyword() + " before the first FROM)");
      }
    }
  }
}
