package dev.cnbfarm.image.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnbfarm.image.ref.Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A typed view over an image config blob (OCI image-spec config.md) that keeps every field it
 * does not know, so read → modify → write loses nothing. Each {@code with…} method returns a new
 * config. Immutable: the JSON tree is copied in and never handed out.
 */
public final class ImageConfig {
  private final ObjectNode json;

  private ImageConfig(ObjectNode json) {
    this.json = json;
  }

  /** Parses a config blob. */
  public static ImageConfig parse(byte[] bytes) {
    return new ImageConfig(Json.object(bytes, "image config"));
  }

  /** An empty config for {@code platform}: no layers, no history, empty {@code config}. */
  public static ImageConfig empty(Platform platform) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("architecture", platform.architecture());
    node.put("os", platform.os());
    if (!platform.variant().isEmpty()) {
      node.put("variant", platform.variant());
    }
    node.putObject("config");
    node.putObject("rootfs").put("type", "layers").putArray("diff_ids");
    node.putArray("history");
    return new ImageConfig(node);
  }

  /** One {@code history} entry; empty strings stand for absent fields. */
  public record History(String created, String createdBy, String comment, boolean emptyLayer) {}

  public Platform platform() {
    return new Platform(Json.text(json, "os"), Json.text(json, "architecture"), Json.text(json, "variant"));
  }

  public List<String> env() {
    return strings(json.path("config").path("Env"));
  }

  public Optional<String> user() {
    return nonEmpty(Json.text(json.path("config"), "User"));
  }

  public Optional<String> workingDir() {
    return nonEmpty(Json.text(json.path("config"), "WorkingDir"));
  }

  public List<String> entrypoint() {
    return strings(json.path("config").path("Entrypoint"));
  }

  public List<String> cmd() {
    return strings(json.path("config").path("Cmd"));
  }

  /** Labels, sorted by key. */
  public Map<String, String> labels() {
    Map<String, String> labels = new TreeMap<>();
    JsonNode node = json.path("config").path("Labels");
    node.fieldNames().forEachRemaining(k -> labels.put(k, node.get(k).asText()));
    return labels;
  }

  /** {@code rootfs.diff_ids}, bottom layer first. */
  public List<Digest> diffIds() {
    List<Digest> ids = new ArrayList<>();
    for (JsonNode id : json.path("rootfs").path("diff_ids")) {
      try {
        ids.add(Digest.parse(id.asText()));
      } catch (IllegalArgumentException e) {
        throw new InvalidImageException("bad diff_id in image config: " + id.asText(), e);
      }
    }
    return List.copyOf(ids);
  }

  public List<History> history() {
    List<History> entries = new ArrayList<>();
    for (JsonNode h : json.path("history")) {
      entries.add(new History(Json.text(h, "created"), Json.text(h, "created_by"), Json.text(h, "comment"),
          h.path("empty_layer").asBoolean(false)));
    }
    return List.copyOf(entries);
  }

  public ImageConfig withEnv(List<String> env) {
    return edit(n -> strings(config(n).putArray("Env"), env));
  }

  /** Sets the top-level {@code created} timestamp (RFC 3339), e.g. a fixed one for reproducible images. */
  public ImageConfig withCreated(String created) {
    return edit(n -> n.put("created", created));
  }

  public ImageConfig withUser(String user) {
    return edit(n -> config(n).put("User", user));
  }

  public ImageConfig withWorkingDir(String dir) {
    return edit(n -> config(n).put("WorkingDir", dir));
  }

  public ImageConfig withEntrypoint(List<String> entrypoint) {
    return edit(n -> strings(config(n).putArray("Entrypoint"), entrypoint));
  }

  public ImageConfig withCmd(List<String> cmd) {
    return edit(n -> strings(config(n).putArray("Cmd"), cmd));
  }

  /** Replaces all labels; keys are written sorted so the config is reproducible. */
  public ImageConfig withLabels(Map<String, String> labels) {
    return edit(n -> {
      ObjectNode node = config(n).putObject("Labels");
      new TreeMap<>(labels).forEach(node::put);
    });
  }

  /** The top-level {@code created} timestamp, if any. */
  public Optional<String> created() {
    return nonEmpty(Json.text(json, "created"));
  }

  /**
   * This config with the whole runtime {@code config} object (Env, Entrypoint, Cmd, User,
   * WorkingDir, Labels, ExposedPorts... and fields not modelled here) taken from {@code other}.
   */
  public ImageConfig withRuntimeConfigOf(ImageConfig other) {
    JsonNode theirs = other.json.get("config");
    return edit(n -> n.set("config", theirs == null ? Json.MAPPER.createObjectNode() : theirs.deepCopy()));
  }

  /** Replaces {@code rootfs.diff_ids} and {@code history} (bottom first). */
  public ImageConfig withRootfs(List<Digest> diffIds, List<History> history) {
    return edit(n -> {
      ObjectNode r = n.putObject("rootfs").put("type", "layers");
      ArrayNode ids = r.putArray("diff_ids");
      diffIds.forEach(d -> ids.add(d.value()));
      n.putArray("history");
      history.forEach(h -> appendHistory(n, h));
    });
  }

  /** Appends a layer's diffID and its history entry. */
  public ImageConfig withLayer(Digest diffId, History history) {
    return edit(n -> {
      JsonNode rootfs = n.path("rootfs");
      ObjectNode r = rootfs.isObject() ? (ObjectNode) rootfs : n.putObject("rootfs").put("type", "layers");
      (r.path("diff_ids").isArray() ? (ArrayNode) r.get("diff_ids") : r.putArray("diff_ids")).add(diffId.value());
      appendHistory(n, history);
    });
  }

  /** Appends a history entry; pass {@code emptyLayer = true} for metadata-only steps. */
  public ImageConfig withHistory(History history) {
    return edit(n -> appendHistory(n, history));
  }

  /** The config JSON (field order as read, new fields appended). */
  public byte[] toJson() {
    return Json.bytes(json);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageConfig c && json.equals(c.json);
  }

  @Override
  public int hashCode() {
    return json.hashCode();
  }

  @Override
  public String toString() {
    return json.toString();
  }

  private ImageConfig edit(Consumer<ObjectNode> change) {
    ObjectNode copy = json.deepCopy();
    change.accept(copy);
    return new ImageConfig(copy);
  }

  private static ObjectNode config(ObjectNode root) {
    JsonNode c = root.get("config");
    return c != null && c.isObject() ? (ObjectNode) c : root.putObject("config");
  }

  private static void appendHistory(ObjectNode root, History h) {
    ArrayNode array = root.path("history").isArray() ? (ArrayNode) root.get("history") : root.putArray("history");
    ObjectNode entry = array.addObject();
    if (!h.created().isEmpty()) {
      entry.put("created", h.created());
    }
    if (!h.createdBy().isEmpty()) {
      entry.put("created_by", h.createdBy());
    }
    if (!h.comment().isEmpty()) {
      entry.put("comment", h.comment());
    }
    if (h.emptyLayer()) {
      entry.put("empty_layer", true);
    }
  }

  private static List<String> strings(JsonNode node) {
    List<String> values = new ArrayList<>();
    node.forEach(v -> values.add(v.asText()));
    return List.copyOf(values);
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  private static Optional<String> nonEmpty(String s) {
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }
}
