package dev.cnbfarm.lifecycle.builder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cnbfarm.lifecycle.buildpack.ModuleKind;
import dev.cnbfarm.lifecycle.buildpack.ModuleRef;
import dev.cnbfarm.lifecycle.buildpack.OrderGroup;
import dev.cnbfarm.lifecycle.export.LabelJson;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON of a builder image's labels, written and read the way pack does (field names as pack's
 * {@code builder.Metadata}, {@code dist.ModuleLayers} and {@code dist.Order}). Written JSON has its
 * object keys sorted, so the same model always gives the same bytes. Reading is lenient about
 * absent fields and strict about wrong types: a bad label is INVALID_INPUT naming the label.
 * Stateless and thread-safe.
 */
public final class BuilderLabels {
  public static final String METADATA = "io.buildpacks.builder.metadata";
  public static final String BUILDPACK_LAYERS = "io.buildpacks.buildpack.layers";
  public static final String EXTENSION_LAYERS = "io.buildpacks.extension.layers";
  public static final String ORDER = "io.buildpacks.buildpack.order";
  public static final String ORDER_EXTENSIONS = "io.buildpacks.buildpack.order-extensions";
  public static final String STACK_ID = "io.buildpacks.stack.id";

  private BuilderLabels() {}

  /** {@code io.buildpacks.builder.metadata}; run images as pack's {@code images} and {@code stack.runImage}. */
  public static String metadataJson(BuilderMetadata m) {
    Map<String, Object> root = new TreeMap<>();
    root.put("description", m.description());
    root.put("buildpacks", modules(m.buildpacks()));
    root.put("extensions", modules(m.extensions()));
    List<Object> images = new ArrayList<>();
    m.runImages().forEach(i -> images.add(runImage(i)));
    root.put("images", images);
    if (!m.runImages().isEmpty()) {
      root.put("stack", Map.of("runImage", runImage(m.runImages().get(0))));
    }
    BuilderMetadata.LifecycleInfo l = m.lifecycle();
    root.put("lifecycle", Map.of("version", l.version(), "apis", Map.of(
        "buildpack", Map.of("deprecated", l.buildpackDeprecated(), "supported", l.buildpackSupported()),
        "platform", Map.of("deprecated", l.platformDeprecated(), "supported", l.platformSupported()))));
    root.put("createdBy", Map.of("name", m.createdBy().name(), "version", m.createdBy().version()));
    return LabelJson.write(root);
  }

  /** Parses {@code io.buildpacks.builder.metadata}; reads {@code images}, else {@code runImages}, else {@code stack.runImage}. */
  public static BuilderMetadata parseMetadata(String json) {
    JsonNode root = LabelJson.read(json, METADATA);
    List<RunMetadata.RunImage> runImages = new ArrayList<>();
    JsonNode images = root.has("images") ? root.get("images") : root.path("runImages");
    for (JsonNode i : array(images, METADATA, "images")) {
      runImages.add(runImage(i));
    }
    JsonNode stackRun = root.path("stack").path("runImage");
    if (runImages.isEmpty() && !text(stackRun, "image").isEmpty()) {
      runImages.add(runImage(stackRun));
    }
    JsonNode l = root.path("lifecycle");
    JsonNode apis = l.path("apis");
    BuilderMetadata.LifecycleInfo lifecycle = new BuilderMetadata.LifecycleInfo(text(l, "version"),
        strings(apis.path("buildpack").path("supported")), strings(apis.path("buildpack").path("deprecated")),
        strings(apis.path("platform").path("supported")), strings(apis.path("platform").path("deprecated")));
    JsonNode by = root.path("createdBy");
    return new BuilderMetadata(text(root, "description"), modules(root.path("buildpacks")),
        modules(root.path("extensions")), runImages, lifecycle,
        new BuilderMetadata.CreatedBy(text(by, "name"), text(by, "version")));
  }

  /** {@code io.buildpacks.buildpack.layers} or {@code io.buildpacks.extension.layers}: {@code {id: {version: {...}}}}. */
  public static String layersJson(List<ModuleLayer> layers) {
    Map<String, Map<String, Object>> root = new TreeMap<>();
    for (ModuleLayer l : layers) {
      Map<String, Object> entry = new TreeMap<>();
      entry.put("api", l.api());
      entry.put("layerDiffID", l.layerDiffId());
      if (!l.homepage().isEmpty()) {
        entry.put("homepage", l.homepage());
      }
      if (!l.name().isEmpty()) {
        entry.put("name", l.name());
      }
      if (!l.order().isEmpty()) {
        entry.put("order", OrderGroup.toTables(l.order(), false));
      }
      root.computeIfAbsent(l.id(), k -> new TreeMap<>()).put(l.version(), entry);
    }
    return LabelJson.write(root);
  }

  /** Parses a layers label ({@code label} names it in errors), sorted by id then version. */
  public static List<ModuleLayer> parseLayers(String json, String label) {
    JsonNode root = LabelJson.read(json, label);
    List<ModuleLayer> out = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> ids = object(root, label, "").fields();
    while (ids.hasNext()) {
      Map.Entry<String, JsonNode> id = ids.next();
      Iterator<Map.Entry<String, JsonNode>> versions = object(id.getValue(), label, id.getKey()).fields();
      while (versions.hasNext()) {
        Map.Entry<String, JsonNode> v = versions.next();
        JsonNode e = object(v.getValue(), label, id.getKey() + "." + v.getKey());
        List<OrderGroup> order = e.has("order") ? parseGroups(e.get("order"), label, ModuleKind.BUILDPACK) : List.of();
        out.add(new ModuleLayer(id.getKey(), v.getKey(), text(e, "api"), text(e, "layerDiffID"), text(e, "name"),
            text(e, "homepage"), order));
      }
    }
    out.sort(java.util.Comparator.comparing(ModuleLayer::id).thenComparing(ModuleLayer::version));
    return out;
  }

  /** {@code io.buildpacks.buildpack.order} (or {@code order-extensions} with {@code extension}: no {@code optional}). */
  public static String orderJson(List<OrderGroup> order, boolean extension) {
    return LabelJson.write(OrderGroup.toTables(order, extension));
  }

  /** Parses an order label; elements become {@code kind} references. */
  public static List<OrderGroup> parseOrder(String json, String label, ModuleKind kind) {
    return parseGroups(LabelJson.read(json, label), label, kind);
  }

  private static List<OrderGroup> parseGroups(JsonNode node, String label, ModuleKind kind) {
    List<OrderGroup> out = new ArrayList<>();
    for (JsonNode g : array(node, label, "order")) {
      List<ModuleRef> refs = new ArrayList<>();
      for (JsonNode el : array(g.path("group"), label, "group")) {
        if (text(el, "id").isEmpty()) {
          throw new LifecycleException(FailureCode.INVALID_INPUT, "label " + label + ": group element without id");
        }
        refs.add(new ModuleRef(kind, text(el, "id"), text(el, "version"), el.path("optional").asBoolean(false)));
      }
      out.add(new OrderGroup(refs));
    }
    return out;
  }

  private static List<Object> modules(List<BuilderMetadata.ModuleInfo> modules) {
    List<Object> out = new ArrayList<>();
    for (BuilderMetadata.ModuleInfo m : modules) {
      Map<String, Object> el = new TreeMap<>();
      el.put("id", m.id());
      el.put("version", m.version());
      el.put("homepage", m.homepage());
      if (!m.name().isEmpty()) {
        el.put("name", m.name());
      }
      out.add(el);
    }
    return out;
  }

  private static List<BuilderMetadata.ModuleInfo> modules(JsonNode node) {
    List<BuilderMetadata.ModuleInfo> out = new ArrayList<>();
    for (JsonNode m : array(node, METADATA, "buildpacks/extensions")) {
      out.add(new BuilderMetadata.ModuleInfo(text(m, "id"), text(m, "version"), text(m, "name"), text(m, "homepage")));
    }
    return out;
  }

  private static Map<String, Object> runImage(RunMetadata.RunImage i) {
    return Map.of("image", i.image(), "mirrors", i.mirrors());
  }

  private static RunMetadata.RunImage runImage(JsonNode node) {
    return new RunMetadata.RunImage(text(node, "image"), strings(node.path("mirrors")));
  }

  private static JsonNode array(JsonNode node, String label, String what) {
    if (node.isMissingNode() || node.isNull()) {
      return LabelJson.emptyArray();
    }
    if (!node.isArray()) {
      throw new LifecycleException(FailureCode.INVALID_INPUT, "label " + label + ": " + what + " is not an array");
    }
    return node;
  }

  private static JsonNode object(JsonNode node, String label, String what) {
    if (!node.isObject()) {
      throw new LifecycleException(FailureCode.INVALID_INPUT,
          "label " + label + ": " + (what.isEmpty() ? "the label" : what) + " is not an object");
    }
    return node;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isTextual() ? v.asText() : "";
  }

  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    }
    return out;
  }
}
