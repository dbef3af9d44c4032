package dev.cnbfarm.lifecycle.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the exec form of an instruction: a JSON array whose elements are all strings. Anything else
 * is not exec form (BuildKit then falls back to the shell form).
 */
final class JsonStringArray {
  private final String s;
  private int pos;

  private JsonStringArray(String s) {
    this.s = s;
  }

  static Optional<List<String>> parse(String text) {
    try {
      return Optional.of(new JsonStringArray(text).array());
    } catch (IllegalStateException notJson) {
      return Optional.empty();
    }
  }

  private List<String> array() {
    List<String> out = new ArrayList<>();
    expect('[');
    skipBlanks();
    if (peek() == ']') {
      pos++;
    } else {
      while (true) {
        skipBlanks();
        out.add(string());
        skipBlanks();
        char c = next();
        if (c == ']') {
          break;
        }
        if (c != ',') {
          throw new IllegalStateException("expected , or ]");
        }
      }
    }
    skipBlanks();
    if (pos != s.length()) {
      throw new IllegalStateException("text after ]");
    }
    return out;
  }

  private String string() {
    expect('"');
    StringBuilder b = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return b.toString();
      }
      if (c < 0x20) {
        throw new IllegalStateException("control character in string");
      }
      b.append(c == '\\' ? escaped() : c);
    }
  }

  private char escaped() {
    char c = next();
    switch (c) {
      case '"':
      case '\\':
      case '/':
        return c;
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u':
        if (pos + 4 > s.length()) {
          throw new IllegalStateException("short \\u escape");
        }
        try {
          char u = (char) Integer.parseInt(s.substring(pos, pos + 4), 16);
          pos += 4;
          return u;
        } catch (NumberFormatException e) {
          throw new IllegalStateException("bad \\u escape");
        }
      default:
        throw new IllegalStateException("bad escape \\" + c);
    }
  }

  private void expect(char c) {
    skipBlanks();
    if (next() != c) {
      throw new IllegalStateException("expected " + c);
    }
  }

  private char peek() {
    if (pos >= s.length()) {
      throw new IllegalStateException("unexpected end");
    }
    return s.charAt(pos);
  }

  private char next() {
    char c = peek();
    pos++;
    return c;
  }

  private void skipBlanks() {
    while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
  }
}
