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
 * {@code analyzed.toml}. {@code [run-image]}, {@code [build-image]}, the previous image ({@code
 * [image] reference}, as the reference lifecycle names it) and its layers ({@code [metadata]},
 * {@link LayersMetadata}) are interpreted; every other key is carried through unchanged, so a
 * rewrite loses nothing. Immutable: the {@code with...} methods return changed copies.
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
   * The previous image's layers per buildpack ({@link #layersMetadata()}), in the label's model:
   * none without a previous image. The restorer writes {@code <layers>/<bp>/<layer>.toml} from them.
   */
  public List<LifecycleMetadata.BuildpackLayers> previousLayers() {
    List<LifecycleMetadata.BuildpackLayers> out = new ArrayList<>();
    for (LayersMetadata.Buildpack bp : layersMetadata().buildpacks()) {
      Map<String, LifecycleMetadata.LayerMetadata> layers = new LinkedHashMap<>();
      bp.layers().forEach((name, l) -> layers.put(name,
          new LifecycleMetadata.LayerMetadata(l.sha(), l.metadata(), l.build(), l.launch(), l.cache())));
      out.add(new LifecycleMetadata.BuildpackLayers(bp.key(), bp.version(), layers));
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

  /**
   * {@code [image] reference}: the digest reference of the previous app image the analyzer found
   * (platform.md "analyzed.toml"); absent when there was none.
   */
  public Optional<String> previousImageReference() {
    return table("image").map(t -> t.get("reference")).filter(v -> v instanceof String s && !s.isEmpty())
        .map(String.class::cast);
  }

  /** {@code [metadata]}: the previous image's layers; {@link LayersMetadata#EMPTY} when absent. */
  public LayersMetadata layersMetadata() {
    return table("metadata").map(LayersMetadata::fromToml).orElse(LayersMetadata.EMPTY);
  }

  /**
   * The analyzer's previous image: {@code [image] reference} and {@code [metadata]}. An empty
   * reference (no previous image) leaves {@code [image]} out and {@code [metadata]} empty.
   */
  public Analyzed withPreviousImage(String reference, LayersMetadata metadata) {
    Map<String, Object> out = copy(tree);
    out.remove("image");
    if (!reference.isEmpty()) {
      Map<String, Object> image = new LinkedHashMap<>();
      image.put("reference", reference);
      out.put("image", image);
    }
    out.put("metadata", metadata.toToml());
    return new Analyzed(out);
  }

  /**
   * The analyzer's run image: {@code reference} (a digest reference), {@code image} (the name as
   * given) and the target the run image's config and labels give ({@code os}, {@code arch},
   * {@code arch-variant}, {@code distro}); the rest of {@code [run-image]} is replaced.
   */
  public Analyzed withRunImage(String reference, String image, Target target) {
    Map<String, Object> out = copy(tree);
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("reference", reference);
    if (!image.isEmpty()) {
      run.put("image", image);
    }
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("os", target.os());
    t.put("arch", target.arch());
    if (!target.variant().isEmpty()) {
      t.put("arch-variant", target.variant());
    }
    if (!target.distros().isEmpty()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("name", target.distros().get(0).name());
      d.put("version", target.distros().get(0).version());
      t.put("distro", d);
    }
    run.put("target", t);
    out.put("run-image", run);
    return new Analyzed(out);
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
