package dev.cnbfarm.image.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** An OCI image index or Docker manifest list, read just far enough to pick a platform. */
final class ManifestIndex {
  private final List<JsonNode> entries;

  private ManifestIndex(List<JsonNode> entries) {
    this.entries = entries;
  }

  static boolean isIndex(byte[] json) {
    ObjectNode node = Json.object(json, "manifest");
    return MediaTypes.INDEXES.contains(Json.text(node, "mediaType")) || node.has("manifests");
  }

  static ManifestIndex parse(byte[] json) {
    List<JsonNode> entries = new ArrayList<>();
    Json.object(json, "index").path("manifests").forEach(entries::add);
    return new ManifestIndex(entries);
  }

  /** The descriptor of the manifest for {@code platform}; the first match wins. */
  Descriptor select(Platform platform, String what) {
    List<String> offered = new ArrayList<>();
    for (JsonNode entry : entries) {
      JsonNode p = entry.path("platform");
      Platform candidate = new Platform(Json.text(p, "os"), Json.text(p, "architecture"), Json.text(p, "variant"));
      offered.add(candidate.toString());
      if (platform.accepts(candidate)) {
        return Descriptor.fromJson(entry, what);
      }
    }
    throw new InvalidImageException(what + " has no manifest for " + platform + " (offers " + offered + ")");
  }
}
