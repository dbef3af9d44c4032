package dev.cnbfarm.lifecycle.build;

import java.util.List;
import java.util.Map;

/** App-dir globs a buildpack asks to export as their own layer ({@code launch.toml} {@code [[slices]]}). Immutable. */
public record Slice(List<String> paths) {
  public Slice {
    paths = List.copyOf(paths);
  }

  Map<String, Object> toToml() {
    return Map.of("paths", paths);
  }
}
