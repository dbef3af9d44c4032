package dev.cnbfarm.lifecycle.platform;

import dev.cnbfarm.lifecycle.buildpack.Target;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.toml.Toml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code analyzed.toml}. Only {@code [run-image]} and {@code [build-image]} are interpreted; every
 * other key (previous image, layer metadata) is carried through unchanged, so a rewrite loses
 * nothing. Immutable: the {@code with...} methods return changed copies.
 */
public final class Analyzed {
  private final Map<String, Object> tree;

  private Analyzed(Map<String, Object> tree) {
    this.tree = tree;
  }

  public static Analyzed empty() {
    return new Analyzed(new LinkedHashMap<>());
  }

  /** Reads the file; a missing file is an empty analyzed.toml (as the reference detector). */
  public static Analyzed read(Path file) {
    if (!Files.exists(file)) {
      return empty();
    }
    return new Analyzed(copy(Toml.read(file, FailureCode.INVALID_INPUT).asMap()));
  }

  public static Analyzed parse(String text, String label) {
    return new Analyzed(copy(Toml.parse(text, label, FailureCode.INVALID_INPUT).asMap()));
  }

  public void write(Path file) {
    Toml.write(file, tree);
  }

  public Map<String, Object> toToml() {
    return copy(tree);
  }

  public Optional<String> runImageReference() {
    return runImage("reference");
  }

  /** {@code [build-image] reference}, written by the restorer from {@code -build-image}. */
  public Optional<String> buildImageReference() {
    return table("build-image").map(t -> t.get("reference")).filter(v -> v instanceof String s && !s.isEmpty())
        .map(String.class::cast);
  }

  /**
   * The previous image's layers as the analyzer records them in {@code [metadata]}: {@code
   * [[metadata.buildpacks]]} with {@code key}, {@code version} and {@code [layers.<name>]} ({@code
   * sha}, {@code metadata}, {@code build}, {@code launch}, {@code cache}); none without a previous
   * image. The restorer writes {@code <layers>/<bp>/<layer>.toml} from them.
   */
  public List<LifecycleMetadata.BuildpackLayers> previousLayers() {
    List<LifecycleMetadata.BuildpackLayers> out = new ArrayList<>();
    for (Map<String, Object> bp : previousBuildpacks()) {
      Map<String, LifecycleMetadata.LayerMetadata> layers = new LinkedHashMap<>();
      asMap(bp.get("layers")).forEach((name, v) -> {
        Map<String, Object> l = asMap(v);
        // the TOML key is "metadata"; "data" is the label's JSON key, accepted too
        Map<String, Object> data = asMap(l.containsKey("metadata") ? l.get("metadata") : l.get("data"));
        layers.put(name, new LifecycleMetadata.LayerMetadata(str(l, "sha"), data, Boolean.TRUE.equals(l.get("build")),
            Boolean.TRUE.equals(l.get("launch")), Boolean.TRUE.equals(l.get("cache"))));
      });
      out.add(new LifecycleMetadata.BuildpackLayers(str(bp, "key"), str(bp, "version"), layers));
    }
    return List.copyOf(out);
  }

  /** {@code [metadata.buildpacks.store] metadata} of buildpack {@code id}: its previous {@code store.toml}. */
  public Optional<Map<String, Object>> previousStore(String id) {
    return previousBuildpacks().stream().filter(bp -> id.equals(bp.get("key"))).findFirst()
        .map(bp -> bp.get("store")).filter(s -> s instanceof Map<?, ?>).map(s -> copy(asMap(asMap(s).get("metadata"))));
  }

  private List<Map<String, Object>> previousBuildpacks() {
    Object bps = table("metadata").map(m -> m.get("buildpacks")).orElse(List.of());
    List<Map<String, Object>> out = new ArrayList<>();
    if (bps instanceof List<?> list) {
      list.stream().filter(b -> b instanceof Map<?, ?>).forEach(b -> out.add(asMap(b)));
    }
    return out;
  }

  public Optional<String> runImageName() {
    return runImage("image");
  }

  public boolean runImageExtend() {
    return table("run-image").map(t -> Boolean.TRUE.equals(t.get("extend"))).orElse(false);
  }

  public boolean buildImageExtend() {
    return table("build-image").map(t -> Boolean.TRUE.equals(t.get("extend"))).orElse(false);
  }

  /** The run image's target ({@code [run-image.target]}); a wildcard when absent. */
  public Target runImageTarget() {
    Map<String, Object> t = table("run-image").map(r -> asMap(r.get("target"))).orElse(Map.of());
    Map<String, Object> d = asMap(t.get("distro"));
    List<Target.Distro> distros = new ArrayList<>();
    if (!str(d, "name").isEmpty()) {
      distros.add(new Target.Distro(str(d, "name"), str(d, "version")));
    }
    String variant = str(t, "arch-variant").isEmpty() ? str(t, "variant") : str(t, "arch-variant");
    return new Target(str(t, "os"), str(t, "arch"), variant, distros);
  }

  /**
   * The run image switched by an extension: {@code image} is the new name; {@code reference}
   * and {@code target} are cleared (extensions.md §5.3; decisions.md #4).
   */
  public Analyzed withSwitchedRunImage(String image, boolean extend) {
    Map<String, Object> out = copy(tree);
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("image", image);
    if (extend) {
      run.put("extend", true);
    }
    out.put("run-image", run);
    return new Analyzed(out);
  }

  /** Platform API 0.10/0.11: the switch replaces {@code run-image.reference} with the name. */
  public Analyzed withLegacySwitchedRunImage(String image) {
    Map<String, Object> out = copy(tree);
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("reference", image);
    out.put("run-image", run);
    return new Analyzed(out);
  }

  /** The restorer's {@code -build-image}, pinned: {@code [build-image] reference} (extensions.md §6). */
  public Analyzed withBuildImageReference(String reference) {
    Map<String, Object> out = copy(tree);
    Map<String, Object> t = copy(asMap(out.get("build-image")));
    t.put("reference", reference);
    out.put("build-image", t);
    return new Analyzed(out);
  }

  /**
   * The restorer's update of an extended or switched run image: {@code reference} pinned to a
   * digest and {@code [run-image.target]} from the image (the detector cleared both after a switch).
   */
  public Analyzed withRunImagePinned(String reference, Map<String, Object> target) {
    Map<String, Object> out = copy(tree);
    Map<String, Object> t = copy(asMap(out.get("run-image")));
    t.put("reference", reference);
    t.put("target", copy(target));
    out.put("run-image", t);
    return new Analyzed(out);
  }

  public Analyzed withRunImageExtend(boolean extend) {
    return with("run-image", "extend", extend);
  }

  public Analyzed withBuildImageExtend(boolean extend) {
    return with("build-image", "extend", extend);
  }

  private Analyzed with(String table, String key, boolean value) {
    Map<String, Object> out = copy(tree);
    Map<String, Object> t = copy(asMap(out.get(table)));
    if (value) {
      t.put(key, true);
    } else {
      t.remove(key);
    }
    out.put(table, t);
    return new Analyzed(out);
  }

  private Optional<String> runImage(String key) {
    return table("run-image").map(t -> t.get(key)).filter(v -> v instanceof String s && !s.isEmpty()).map(String.class::cast);
  }

  private Optional<Map<String, Object>> table(String key) {
    Object v = tree.get(key);
    return v instanceof Map<?, ?> ? Optional.of(asMap(v)) : Optional.empty();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object v) {
    return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static String str(Map<String, Object> m, String key) {
    return m.get(key) instanceof String s ? s : "";
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> copy(Map<String, Object> in) {
    Map<String, Object> out = new LinkedHashMap<>();
    in.forEach((k, v) -> out.put(k, v instanceof Map<?, ?> m ? copy((Map<String, Object>) m) : v));
    return out;
  }

  @Override
  public String toString() {
    return "Analyzed" + tree;
  }
}
