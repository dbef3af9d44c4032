package dev.cnbfarm.lifecycle.toml;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A view of one TOML table with typed getters whose errors name the file and the key path
 * ({@code order.toml: order[0].group[1].id: ...}). The underlying map is not copied: treat
 * instances as read-only. Not thread-safe for mutation (there is none).
 */
public final class TomlTable {
  private final String file;
  private final String path;
  private final Map<String, Object> values;
  private final FailureCode code;

  TomlTable(String file, String path, Map<String, Object> values, FailureCode code) {
    this.file = file;
    this.path = path;
    this.values = values;
    this.code = code;
  }

  /** The file (or label) this table was read from. */
  public String file() {
    return file;
  }

  /** The raw map: strings, Long, Double, Boolean, List and Map values. */
  public Map<String, Object> asMap() {
    return Collections.unmodifiableMap(values);
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  public String requireString(String key) {
    return optString(key).filter(s -> !s.isBlank()).orElseThrow(() -> error(key, "missing required key"));
  }

  public Optional<String> optString(String key) {
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s)) {
      throw error(key, "expected a string, got " + describe(v));
    }
    return Optional.of(s);
  }

  public String string(String key, String fallback) {
    return optString(key).orElse(fallback);
  }

  public boolean bool(String key, boolean fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Boolean b)) {
      throw error(key, "expected a boolean, got " + describe(v));
    }
    return b;
  }

  public List<String> strings(String key) {
    Object v = values.get(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw error(key, "expected an array of strings, got " + describe(v));
    }
    List<String> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof String s)) {
        throw error(key, "expected an array of strings, found " + describe(o));
      }
      out.add(s);
    }
    return out;
  }

  public Optional<TomlTable> table(String key) {
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw error(key, "expected a table, got " + describe(v));
    }
    return Optional.of(child(key, m));
  }

  /** An array of tables ({@code [[key]]}); absent means empty. */
  public List<TomlTable> tables(String key) {
    Object v = values.get(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw error(key, "expected an array of tables, got " + describe(v));
    }
    List<TomlTable> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> m)) {
        throw error(key + "[" + i + "]", "expected a table, got " + describe(list.get(i)));
      }
      out.add(child(key + "[" + i + "]", m));
    }
    return out;
  }

  /** A copy of the sub-table at {@code key} as plain maps (for free-form metadata). */
  public Map<String, Object> rawTable(String key) {
    return table(key).map(t -> deepCopy(t.values)).orElseGet(LinkedHashMap::new);
  }

  /** An error about {@code key} of this table, naming file and key path. */
  public LifecycleException error(String key, String message) {
    return new LifecycleException(code, file + ": " + qualify(key) + ": " + message);
  }

  private String qualify(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  @SuppressWarnings("unchecked")
  private TomlTable child(String key, Map<?, ?> m) {
    return new TomlTable(file, qualify(key), (Map<String, Object>) m, code);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> deepCopy(Map<String, Object> in) {
    Map<String, Object> out = new LinkedHashMap<>();
    in.forEach((k, v) -> out.put(k, copyValue(v)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object copyValue(Object v) {
    if (v instanceof Map<?, ?> m) {
      return deepCopy((Map<String, Object>) m);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(o -> out.add(copyValue(o)));
      return out;
    }
    return v;
  }

  private static String describe(Object v) {
    if (v instanceof Map) {
      return "a table";
    }
    if (v instanceof List) {
      return "an array";
    }
    return v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + v;
  }
}
