package dev.cnbfarm.lifecycle.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code [metadata]} table of analyzed.toml: the previous app image's {@code
 * io.buildpacks.lifecycle.metadata} label as the analyzer copies it (platform.md "analyzed.toml";
 * the reference's {@code files.LayersMetadata}). The exporter reuses a launch layer left as {@code
 * <layer>.toml} only from it, and the restorer gives buildpacks their previous layer metadata from
 * it. The label's JSON keys ({@code runImage.topLayer}, a layer's {@code data}) become the TOML
 * keys the reference writes ({@code run-image.top-layer}, {@code metadata}). Empty strings mean
 * absent. Immutable.
 *
 * @param app diffIDs of the app layers, bottom first
 * @param sbom diffID of the launch SBOM layer ({@code <layers>/sbom/launch}), "" when none
 * @param buildpacks the buildpacks' exported layers, in group order
 * @param config diffID of the {@code /layers/config} layer
 * @param launcher diffID of the launcher layer
 * @param processTypes diffID of the process types layer (older lifecycles), usually ""
 * @param runImage the run image the previous image sat on
 */
public record LayersMetadata(List<String> app, String sbom, List<Buildpack> buildpacks, String config,
    String launcher, String processTypes, RunImage runImage) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** No previous image. */
  public static final LayersMetadata EMPTY = new LayersMetadata(List.of(), "", List.of(), "", "", "",
      new RunImage("", "", "", List.of()));

  public LayersMetadata {
    app = List.copyOf(app);
    Objects.requireNonNull(sbom, "sbom");
    buildpacks = List.copyOf(buildpacks);
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(launcher, "launcher");
    Objects.requireNonNull(processTypes, "processTypes");
    Objects.requireNonNull(runImage, "runImage");
  }

  /**
   * One buildpack's layers in the previous image: {@code key} is its id; {@code store} the {@code
   * [metadata]} of the {@code store.toml} it left there, empty for none.
   */
  public record Buildpack(String key, String version, Map<String, Layer> layers, Map<String, Object> store) {
    public Buildpack {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(version, "version");
      layers = Map.copyOf(new TreeMap<>(layers));
      store = Collections.unmodifiableMap(new TreeMap<>(store));
    }
  }

  /** One layer of the previous image: its diffID, its layer toml {@code [metadata]} and its types. */
  public record Layer(String sha, Map<String, Object> metadata, boolean build, boolean launch, boolean cache) {
    public Layer {
      Objects.requireNonNull(sha, "sha");
      metadata = Map.copyOf(metadata);
    }

    @Override
    public Map<String, Object> metadata() {
      return new TreeMap<>(metadata);
    }
  }

  /** {@code runImage} of the label: the rebase seam and the run image's names. */
  public record RunImage(String topLayer, String reference, String image, List<String> mirrors) {
    public RunImage {
      Objects.requireNonNull(topLayer, "topLayer");
      Objects.requireNonNull(reference, "reference");
      Objects.requireNonNull(image, "image");
      mirrors = List.copyOf(mirrors);
    }
  }

  /** The layer {@code name} of buildpack {@code buildpackId} in the previous image. */
  public Optional<Layer> layer(String buildpackId, String name) {
    return buildpacks.stream().filter(b -> b.key().equals(buildpackId)).findFirst()
        .map(b -> b.layers().get(name));
  }

  /** The diffID of the launch SBOM layer, when the previous image has one. */
  public Optional<String> sbomLayer() {
    return sbom.isEmpty() ? Optional.empty() : Optional.of(sbom);
  }

  /** Whether there is nothing: no previous image, or one without the label. */
  public boolean isEmpty() {
    return equals(EMPTY);
  }

  /**
   * Reads the label value. Like the reference analyzer ("continue even if the label cannot be
   * decoded"), a value that is not a JSON object gives {@link #EMPTY}; JSON nulls are absent.
   */
  public static LayersMetadata fromLabel(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return EMPTY;
    }
    if (root == null || !root.isObject()) {
      return EMPTY;
    }
    List<String> app = new ArrayList<>();
    root.path("app").forEach(a -> app.add(a.path("sha").asText("")));
    List<Buildpack> bps = new ArrayList<>();
    for (JsonNode bp : root.path("buildpacks")) {
      Map<String, Layer> layers = new LinkedHashMap<>();
      bp.path("layers").fields().forEachRemaining(e -> {
        JsonNode l = e.getValue();
        Map<String, Object> data = l.path("data").isObject() ? asMap(JSON.convertValue(l.path("data"), Map.class))
            : Map.of();
        layers.put(e.getKey(), new Layer(l.path("sha").asText(""), withoutNulls(data), l.path("build").asBoolean(),
            l.path("launch").asBoolean(), l.path("cache").asBoolean()));
      });
      JsonNode store = bp.path("store").path("metadata");
      Map<String, Object> storeData = store.isObject() ? withoutNulls(asMap(JSON.convertValue(store, Map.class)))
          : Map.of();
      bps.add(new Buildpack(bp.path("key").asText(""), bp.path("version").asText(""), layers, storeData));
    }
    JsonNode run = root.path("runImage");
    JsonNode stack = root.path("stack").path("runImage");
    JsonNode mirrorNode = run.has("mirrors") ? run.path("mirrors") : stack.path("mirrors");
    List<String> mirrors = new ArrayList<>();
    mirrorNode.forEach(m -> mirrors.add(m.asText()));
    return new LayersMetadata(app, root.path("sbom").path("sha").asText(""), bps, root.path("config").path("sha").asText(""),
        root.path("launcher").path("sha").asText(""), root.path("process-types").path("sha").asText(""),
        new RunImage(run.path("topLayer").asText(""), run.path("reference").asText(""),
            run.path("image").asText(stack.path("image").asText("")), mirrors));
  }

  /** Reads the {@code [metadata]} table of analyzed.toml as {@link #toToml()} writes it. */
  public static LayersMetadata fromToml(Map<String, Object> table) {
    List<String> app = new ArrayList<>();
    for (Object a : list(table.get("app"))) {
      app.add(str(asMap(a), "sha"));
    }
    List<Buildpack> bps = new ArrayList<>();
    for (Object o : list(table.get("buildpacks"))) {
      Map<String, Object> bp = asMap(o);
      Map<String, Layer> layers = new LinkedHashMap<>();
      asMap(bp.get("layers")).forEach((name, v) -> {
        Map<String, Object> l = asMap(v);
        layers.put(name, new Layer(str(l, "sha"), asMap(l.get("metadata")), bool(l, "build"), bool(l, "launch"),
            bool(l, "cache")));
      });
      bps.add(new Buildpack(str(bp, "key"), str(bp, "version"), layers,
          asMap(asMap(bp.get("store")).get("metadata"))));
    }
    Map<String, Object> run = asMap(table.get("run-image"));
    List<String> mirrors = list(run.get("mirrors")).stream().map(String::valueOf).toList();
    return new LayersMetadata(app, sha(table, "sbom"), bps, sha(table, "config"), sha(table, "launcher"),
        sha(table, "process-types"), new RunImage(str(run, "top-layer"), str(run, "reference"), str(run, "image"),
            mirrors));
  }

  /** The {@code [metadata]} table with the reference analyzer's keys; absent parts are left out. */
  public Map<String, Object> toToml() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("app", app.stream().map(LayersMetadata::sha).toList());
    if (!sbom.isEmpty()) {
      out.put("sbom", sha(sbom));
    }
    List<Map<String, Object>> bps = new ArrayList<>();
    for (Buildpack bp : buildpacks) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("key", bp.key());
      b.put("version", bp.version());
      Map<String, Object> layers = new TreeMap<>();
      bp.layers().forEach((name, l) -> {
        Map<String, Object> layer = new LinkedHashMap<>();
        layer.put("sha", l.sha());
        layer.put("build", l.build());
        layer.put("launch", l.launch());
        layer.put("cache", l.cache());
        if (!l.metadata().isEmpty()) {
          layer.put("metadata", l.metadata());
        }
        layers.put(name, layer);
      });
      b.put("layers", layers);
      if (!bp.store().isEmpty()) {
        b.put("store", Map.of("metadata", bp.store()));
      }
      bps.add(b);
    }
    out.put("buildpacks", bps);
    out.put("config", sha(config));
    out.put("launcher", sha(launcher));
    if (!processTypes.isEmpty()) {
      out.put("process-types", sha(processTypes));
    }
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("top-layer", runImage.topLayer());
    run.put("reference", runImage.reference());
    if (!runImage.image().isEmpty()) {
      run.put("image", runImage.image());
    }
    if (!runImage.mirrors().isEmpty()) {
      run.put("mirrors", runImage.mirrors());
    }
    out.put("run-image", run);
    return out;
  }

  private static Map<String, Object> sha(String diffId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sha", diffId);
    return m;
  }

  private static String sha(Map<String, Object> table, String key) {
    return str(asMap(table.get(key)), "sha");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object v) {
    return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static List<?> list(Object v) {
    return v instanceof List<?> l ? l : List.of();
  }

  private static String str(Map<String, Object> m, String key) {
    return m.get(key) instanceof String s ? s : "";
  }

  private static boolean bool(Map<String, Object> m, String key) {
    return Boolean.TRUE.equals(m.get(key));
  }

  /**
   * As the TOML reader gives it back, so the metadata equals itself after analyzed.toml: JSON nulls
   * dropped (TOML has none), whole numbers as {@code Long}, others as {@code Double}; nested too.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> withoutNulls(Map<String, Object> in) {
    Map<String, Object> out = new LinkedHashMap<>();
    in.forEach((k, v) -> {
      if (v != null) {
        out.put(k, normalised(v));
      }
    });
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object normalised(Object v) {
    if (v instanceof Map<?, ?> m) {
      return withoutNulls((Map<String, Object>) m);
    }
    if (v instanceof List<?> l) {
      return l.stream().filter(Objects::nonNull).map(LayersMetadata::normalised).toList();
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof java.math.BigInteger) {
      return ((Number) v).longValue();
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    return v;
  }
}
