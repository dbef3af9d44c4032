package dev.cnbfarm.lifecycle.platform;

import java.util.LinkedHashMap;
import java.util.Map;

/** One module of a detected group as {@code group.toml} records it. Immutable. */
public record GroupEntry(String id, String version, String api, String homepage) {
  public GroupEntry {
    homepage = homepage == null ? "" : homepage;
  }

  Map<String, Object> toToml() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("version", version);
    m.put("api", api);
    if (!homepage.isEmpty()) {
      m.put("homepage", homepage);
    }
    return m;
  }

  @Override
  public String toString() {
    return id + "@" + version;
  }
}
