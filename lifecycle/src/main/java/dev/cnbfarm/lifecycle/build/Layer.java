package dev.cnbfarm.lifecycle.build;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One layer a buildpack declared with {@code <layers>/<bp>/<name>.toml} (buildpack.md "Layer
 * Types"): its dir, its {@code [types]} and free-form {@code [metadata]}. Immutable (metadata is
 * copied).
 */
public record Layer(String name, Path dir, boolean launch, boolean build, boolean cache, Map<String, Object> metadata) {
  public Layer {
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }
}
