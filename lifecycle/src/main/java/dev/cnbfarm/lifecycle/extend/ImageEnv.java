package dev.cnbfarm.lifecycle.extend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one reading of an image config's {@code Env} list (decisions.md #9), used by extend, build,
 * export and {@code cnbfarm run}: each entry is split on its <em>first</em> {@code '='}, so a value
 * may hold {@code '='}; an entry with no {@code '='}, or with nothing before it, names no variable
 * and is dropped (a process could not read it with {@code getenv} either); when a name appears
 * twice the later value wins, in the place of the first, as an {@code ENV} instruction replaces it.
 * Stateless.
 */
public final class ImageEnv {
  private ImageEnv() {}

  /** The variables of {@code entries}, in order; a new map the caller may change. */
  public static Map<String, String> parse(List<String> entries) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String entry : entries) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return env;
  }

  /** The value of {@code name} in {@code entries}, by the rule of {@link #parse}. */
  public static Optional<String> get(List<String> entries, String name) {
    return Optional.ofNullable(parse(entries).get(name));
  }

  /** {@code env} as a config {@code Env} list of {@code NAME=value}, in its order. */
  public static List<String> format(Map<String, String> env) {
    List<String> list = new ArrayList<>(env.size());
    env.forEach((k, v) -> list.add(k + "=" + v));
    return Collections.unmodifiableList(list);
  }
}
