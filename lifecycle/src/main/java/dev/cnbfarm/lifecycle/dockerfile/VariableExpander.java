package dev.cnbfarm.lifecycle.dockerfile;

import java.util.Map;

/**
 * Expands build variables in one Dockerfile word the way BuildKit's shell lexer does: {@code $var},
 * {@code ${var}}, {@code ${var:-word}}, {@code ${var:+word}}, {@code ${var:?message}} and their
 * colon-less forms ({@code -}, {@code +}, {@code ?} test "unset" where the colon forms test "unset
 * or empty"); the word may itself hold expansions ({@code ${a:-${b}}}). Unknown variables expand to
 * the empty string. Stateless and thread-safe.
 *
 * <p>Quoting follows BuildKit (moby/buildkit {@code frontend/dockerfile/shell/lex.go}): quote
 * characters are removed; text in single quotes is taken literally (no expansion, no escapes); in
 * double quotes variables expand and the escape character escapes only {@code "}, {@code $} and
 * itself; outside quotes the escape character makes the next character literal, so {@code \$x}
 * stays {@code $x}. An unterminated quote runs to the end of the text.
 *
 * <p>Which instructions are expanded: {@code ENV}, {@code ARG}, {@code COPY}, {@code ADD}, {@code
 * WORKDIR}, {@code USER}, {@code LABEL} and {@code FROM} (with the global ARGs). {@code RUN} (and
 * {@code CMD}, {@code ENTRYPOINT}) are never expanded by the builder: their text goes to the shell
 * as written, and the shell does its own expansion at run time.
 */
public final class VariableExpander {
  private final String text;
  private final Map<String, String> vars;
  private final char escape;
  private int pos;

  private VariableExpander(String text, Map<String, String> vars, char escape) {
    this.text = text;
    this.vars = vars;
    this.escape = escape;
  }

  /**
   * Expands {@code text} against {@code vars}, using {@code escape} ({@code \} or {@code `}).
   *
   * @throws InvalidDockerfileException on a bad substitution (missing {@code }}, unsupported
   *     modifier, {@code ${var:?message}} with {@code var} unset); the message names the text but
   *     not the file, which the caller adds
   */
  public static String expand(String text, Map<String, String> vars, char escape) {
    // Read through, never copied: a copy per expansion made 10,000 ENV lines quadratic (issue 12).
    return new VariableExpander(text, java.util.Collections.unmodifiableMap(vars), escape).until((char) 0);
  }

  /** Reads up to the unquoted {@code stop} (consumed), or to the end when {@code stop} is 0. */
  private String until(char stop) {
    StringBuilder out = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (stop != 0 && c == stop) {
        pos++;
        return out.toString();
      }
      if (c == '\'') {
        out.append(singleQuoted());
      } else if (c == '"') {
        out.append(doubleQuoted());
      } else if (c == '$') {
        out.append(dollar());
      } else if (c == escape) {
        pos++;
        if (pos < text.length()) {
          out.append(text.charAt(pos++));
        }
      } else {
        out.append(c);
        pos++;
      }
    }
    if (stop != 0) {
      throw bad("missing '" + stop + "'");
    }
    return out.toString();
  }

  private String singleQuoted() {
    int close = text.indexOf('\'', pos + 1);
    int end = close < 0 ? text.length() : close;
    String literal = text.substring(pos + 1, end);
    pos = close < 0 ? end : close + 1;
    return literal;
  }

  private String doubleQuoted() {
    StringBuilder out = new StringBuilder();
    pos++;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '"') {
        pos++;
        break;
      }
      if (c == '$') {
        out.append(dollar());
        continue;
      }
      if (c == escape && pos + 1 < text.length()) {
        char n = text.charAt(pos + 1);
        if (n == '"' || n == '$' || n == escape) {
          c = n;
          pos++;
        }
      }
      out.append(c);
      pos++;
    }
    return out.toString();
  }

  private String dollar() {
    pos++;
    if (pos < text.length() && text.charAt(pos) == '{') {
      pos++;
      return braced();
    }
    String name = name();
    return name.isEmpty() ? "$" : vars.getOrDefault(name, "");
  }

  private String braced() {
    String name = name();
    if (name.isEmpty()) {
      throw bad("missing or invalid variable name");
    }
    if (pos >= text.length()) {
      throw bad("missing '}'");
    }
    char c = text.charAt(pos++);
    if (c == '}') {
      return vars.getOrDefault(name, "");
    }
    boolean colon = c == ':';
    char op = colon ? (pos < text.length() ? text.charAt(pos++) : 0) : c;
    if (op != '-' && op != '+' && op != '?') {
      throw bad("unsupported modifier (" + (colon ? ":" : "") + op + ")");
    }
    String word = until('}');
    boolean set = vars.containsKey(name) && !(colon && vars.get(name).isEmpty());
    switch (op) {
      case '-':
        return set ? vars.get(name) : word;
      case '+':
        return set ? word : "";
      default:
        if (!set) {
          throw new InvalidDockerfileException(
              name + ": " + (word.isEmpty() ? "is not allowed to be unset" : word));
        }
        return vars.get(name);
    }
  }

  private String name() {
    int start = pos;
    while (pos < text.length()
        && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')
        && text.charAt(pos) < 128) {
      pos++;
    }
    return text.substring(start, pos);
  }

  private InvalidDockerfileException bad(String why) {
    return new InvalidDockerfileException("bad substitution in \"" + text + "\": " + why);
  }
}
