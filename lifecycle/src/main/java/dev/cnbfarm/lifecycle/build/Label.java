package dev.cnbfarm.lifecycle.build;

import java.util.LinkedHashMap;
import java.util.Map;

/** An image label from {@code launch.toml} {@code [[labels]]}. Immutable. */
public record Label(String key, String value) {
  Map<String, Object> toToml() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", key);
    m.put("value", value);
    return m;
  }
}
