package dev.cnbfarm.lifecycle.export;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The {@code io.buildpacks.lifecycle.metadata} label (platform.md "Labels", extensions.md §8.3):
 * diffIDs of the app, config and launcher layers, each buildpack's exported layers, and the run
 * image the app image sits on. Immutable.
 *
 * @param appLayers diffIDs of the app (slice) layers, bottom first
 * @param configLayer diffID of the {@code /layers/config} layer
 * @param launcherLayer diffID of the launcher layer
 * @param buildpacks the buildpacks in group order
 * @param runImage the run image
 * @param sbomLayer diffID of the launch SBOM layer ({@code /layers/sbom/launch}), "" when there is none:
 *     the label's {@code sbom.sha}, as the reference exporter's {@code addSBOMLaunchLayer} records it
 */
public record LifecycleMetadata(List<String> appLayers, String configLayer, String launcherLayer,
    List<BuildpackLayers> buildpacks, RunImage runImage, String sbomLayer) {
  public static final String LABEL = "io.buildpacks.lifecycle.metadata";

  public LifecycleMetadata {
    appLayers = List.copyOf(appLayers);
    Objects.requireNonNull(configLayer, "configLayer");
    Objects.requireNonNull(launcherLayer, "launcherLayer");
    buildpacks = List.copyOf(buildpacks);
    Objects.requireNonNull(runImage, "runImage");
    Objects.requireNonNull(sbomLayer, "sbomLayer");
  }

  /** Without a launch SBOM layer. */
  public LifecycleMetadata(List<String> appLayers, String configLayer, String launcherLayer,
      List<BuildpackLayers> buildpacks, RunImage runImage) {
    this(appLayers, configLayer, launcherLayer, buildpacks, runImage, "");
  }

  /**
   * One buildpack's entry: {@code key} is its id; layers by name; {@code store} the {@code [metadata]}
   * of the {@code store.toml} it left (buildpack.md "store.toml"), empty when it left none: the
   * restorer of the next build writes it back (the reference's {@code buildpacks[].store.metadata}).
   */
  public record BuildpackLayers(String key, String version, Map<String, LayerMetadata> layers,
      Map<String, Object> store) {
    public BuildpackLayers {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(version, "version");
      layers = Map.copyOf(layers);
      store = store == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(store));
    }

    /** An entry without a store. */
    public BuildpackLayers(String key, String version, Map<String, LayerMetadata> layers) {
      this(key, version, layers, Map.of());
    }

    /**
     * This entry as the label's JSON tree ({@code key}, {@code version}, {@code layers} by name with
     * {@code sha}, {@code data} and the types); the cache metadata label has the same shape.
     */
    public Map<String, Object> toTree() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("key", key);
      m.put("version", version);
      Map<String, Object> tree = new TreeMap<>();
      layers.forEach((name, l) -> {
        Map<String, Object> layer = new LinkedHashMap<>();
        layer.put("sha", l.sha());
        layer.put("data", l.data());
        layer.put("build", l.build());
        layer.put("launch", l.launch());
        layer.put("cache", l.cache());
        tree.put(name, layer);
      });
      m.put("layers", tree);
      if (!store.isEmpty()) {
        m.put("store", Map.of("metadata", store));
      }
      return m;
    }
  }

  /** One exported layer: its diffID, its {@code [metadata]} table and its types. */
  public record LayerMetadata(String sha, Map<String, Object> data, boolean build, boolean launch, boolean cache) {
    public LayerMetadata {
      Objects.requireNonNull(sha, "sha");
      data = new TreeMap<>(data);
    }

    @Override
    public Map<String, Object> data() {
      return new TreeMap<>(data);
    }
  }

  /**
   * {@code runImage}: {@code topLayer} is the diffID of the original run image's top layer (below
   * any extension layers), {@code reference} the digest reference of the image actually used.
   */
  public record RunImage(String topLayer, String reference, RunImageLabel label) {
    public RunImage {
      Objects.requireNonNull(topLayer, "topLayer");
      Objects.requireNonNull(reference, "reference");
      Objects.requireNonNull(label, "label");
    }
  }

  /** The label value: compact JSON, keys sorted. */
  public String toJson() {
    return LabelJson.write(toTree());
  }

  Map<String, Object> toTree() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("app", appLayers.stream().map(LifecycleMetadata::sha).toList());
    root.put("config", sha(configLayer));
    root.put("launcher", sha(launcherLayer));
    root.put("buildpacks", buildpacks.stream().map(LifecycleMetadata::buildpack).toList());
    if (!sbomLayer.isEmpty()) {
      root.put("sbom", sha(sbomLayer));
    }
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("topLayer", runImage.topLayer());
    run.put("reference", runImage.reference());
    run.put("image", runImage.label().image());
    run.put("mirrors", runImage.label().mirrors());
    root.put("runImage", run);
    Map<String, Object> stackRun = new LinkedHashMap<>();
    stackRun.put("image", runImage.label().image());
    stackRun.put("mirrors", runImage.label().mirrors());
    root.put("stack", Map.of("runImage", stackRun));
    return root;
  }

  private static Map<String, Object> sha(String diffId) {
    return Map.of("sha", diffId);
  }

  private static Map<String, Object> buildpack(BuildpackLayers bp) {
    return bp.toTree();
  }

}
