package dev.cnbfarm.lifecycle.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnbfarm.lifecycle.export.LabelJson;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The build cache's metadata, the reference's {@code platform.CacheMetadata}: the label {@code
 * io.buildpacks.lifecycle.cache.metadata} of a cache image, or the file of that name in a cache
 * dir. JSON {@code {"buildpacks":[{"key","version","layers":{name:{"sha","data","build","launch",
 * "cache"}}}]}}; {@code sha} is the layer's diffID. Immutable.
 *
 * @param buildpacks the buildpacks in group order, each with its cached layers by name
 */
public record CacheMetadata(List<LifecycleMetadata.BuildpackLayers> buildpacks) {
  /** The label (and file) name. */
  public static final String LABEL = "io.buildpacks.lifecycle.cache.metadata";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  public CacheMetadata {
    buildpacks = List.copyOf(buildpacks);
  }

  public static CacheMetadata empty() {
    return new CacheMetadata(List.of());
  }

  /**
   * Parses the JSON. As the reference, unreadable metadata is no cache at all rather than a
   * failure: the build then rebuilds every layer.
   */
  public static CacheMetadata parseOrEmpty(String json) {
    if (json == null || json.isBlank()) {
      return empty();
    }
    try {
      return of(LabelJson.read(json, LABEL));
    } catch (RuntimeException e) {
      return empty();
    }
  }

  private static CacheMetadata of(JsonNode root) {
    List<LifecycleMetadata.BuildpackLayers> bps = new ArrayList<>();
    for (JsonNode bp : root.path("buildpacks")) {
      Map<String, LifecycleMetadata.LayerMetadata> layers = new LinkedHashMap<>();
      JsonNode ls = bp.path("layers");
      for (Iterator<String> names = ls.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        layers.put(name, layer(ls.get(name), "data"));
      }
      bps.add(new LifecycleMetadata.BuildpackLayers(bp.path("key").asText(""), bp.path("version").asText(""), layers));
    }
    return new CacheMetadata(bps);
  }

  /** One layer's entry; {@code dataKey} is {@code data} in JSON and {@code metadata} in analyzed.toml. */
  @SuppressWarnings("unchecked")
  static LifecycleMetadata.LayerMetadata layer(JsonNode l, String dataKey) {
    Map<String, Object> data = l.path(dataKey).isObject() ? MAPPER.convertValue(l.get(dataKey), Map.class) : Map.of();
    return new LifecycleMetadata.LayerMetadata(l.path("sha").asText(""), data, l.path("build").asBoolean(false),
        l.path("launch").asBoolean(false), l.path("cache").asBoolean(false));
  }

  /** The cached layers of buildpack {@code id}, by name; none when it has no entry. */
  public Map<String, LifecycleMetadata.LayerMetadata> layersOf(String id) {
    return buildpacks.stream().filter(b -> b.key().equals(id)).findFirst()
        .map(LifecycleMetadata.BuildpackLayers::layers).orElse(Map.of());
  }

  /** The JSON, compact with sorted keys (the same metadata gives the same bytes). */
  public String toJson() {
    List<Object> bps = new ArrayList<>();
    for (LifecycleMetadata.BuildpackLayers bp : buildpacks) {
      bps.add(bp.toTree());
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("buildpacks", bps);
    return LabelJson.write(root);
  }
}
