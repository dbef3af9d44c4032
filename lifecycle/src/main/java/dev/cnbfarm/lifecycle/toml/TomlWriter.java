package dev.cnbfarm.lifecycle.toml;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a tree of maps, lists and scalars as TOML, the way the reference lifecycle's files look:
 * scalars first, then {@code [table]} and {@code [[array.of.tables]]} headers. Stateless.
 */
final class TomlWriter {
  private static final Pattern BARE_KEY = Pattern.compile("[A-Za-z0-9_-]+");

  private TomlWriter() {}

  static String write(Map<String, ?> tree) {
    StringBuilder out = new StringBuilder();
    writeBody(out, "", tree);
    int start = 0;
    while (start < out.length() && out.charAt(start) == '\n') {
      start++;
    }
    return out.substring(start);
  }

  private static void writeBody(StringBuilder out, String prefix, Map<String, ?> table) {
    table.forEach((k, v) -> {
      if (!isTable(v) && !isArrayOfTables(v)) {
        out.append(key(k)).append(" = ");
        inline(out, v);
        out.append('\n');
      }
    });
    table.forEach((k, v) -> {
      String path = prefix.isEmpty() ? key(k) : prefix + "." + key(k);
      if (isTable(v)) {
        Map<?, ?> m = (Map<?, ?>) v;
        if (hasScalars(m) || m.isEmpty()) {
          out.append('\n').append('[').append(path).append("]\n");
        }
        writeBody(out, path, cast(m));
      } else if (isArrayOfTables(v)) {
        for (Object element : (List<?>) v) {
          out.append('\n').append("[[").append(path).append("]]\n");
          writeBody(out, path, cast((Map<?, ?>) element));
        }
      }
    });
  }

  private static boolean hasScalars(Map<?, ?> m) {
    return m.values().stream().anyMatch(v -> !isTable(v) && !isArrayOfTables(v));
  }

  private static boolean isTable(Object v) {
    return v instanceof Map;
  }

  private static boolean isArrayOfTables(Object v) {
    return v instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(e -> e instanceof Map);
  }

  private static void inline(StringBuilder out, Object v) {
    if (v instanceof String s) {
      quote(out, s);
    } else if (v instanceof Boolean || v instanceof Long || v instanceof Integer) {
      out.append(v);
    } else if (v instanceof Number n) {
      out.append(floatLiteral(n.doubleValue()));
    } else if (v instanceof List<?> l) {
      out.append('[');
      for (int i = 0; i < l.size(); i++) {
        out.append(i == 0 ? "" : ", ");
        inline(out, l.get(i));
      }
      out.append(']');
    } else if (v instanceof Map<?, ?> m) {
      out.append('{');
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.append(i++ == 0 ? " " : ", ").append(key(e.getKey().toString())).append(" = ");
        inline(out, e.getValue());
      }
      out.append(m.isEmpty() ? "}" : " }");
    } else {
      quote(out, String.valueOf(v));
    }
  }

  /** TOML spells the special floats {@code inf}, {@code -inf} and {@code nan}, not as Java does. */
  private static String floatLiteral(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    return Double.toString(d);
  }

  private static String key(String k) {
    if (BARE_KEY.matcher(k).matches()) {
      return k;
    }
    StringBuilder b = new StringBuilder();
    quote(b, k);
    return b.toString();
  }

  private static void quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> cast(Map<?, ?> m) {
    return (Map<String, ?>) m;
  }
}
