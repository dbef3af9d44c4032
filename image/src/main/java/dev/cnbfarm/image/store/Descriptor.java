package dev.cnbfarm.image.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnbfarm.image.ref.Digest;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An OCI content descriptor: what a manifest says about a config or layer blob. Immutable.
 *
 * @param mediaType the blob's media type
 * @param digest the blob's digest
 * @param size the blob's size in bytes
 * @param annotations optional annotations, sorted by key
 */
public record Descriptor(String mediaType, Digest digest, long size, Map<String, String> annotations) {
  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    annotations = Map.copyOf(annotations);
  }

  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, Map.of());
  }

  static Descriptor fromJson(JsonNode node, String what) {
    try {
      Map<String, String> annotations = new TreeMap<>();
      JsonNode a = node.path("annotations");
      a.fieldNames().forEachRemaining(k -> annotations.put(k, a.get(k).asText()));
      return new Descriptor(Json.text(node, "mediaType"), Digest.parse(Json.text(node, "digest")),
          node.path("size").asLong(-1), annotations);
    } catch (IllegalArgumentException e) {
      throw new InvalidImageException("bad descriptor in " + what + ": " + e.getMessage(), e);
    }
  }

  ObjectNode toJson() {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("mediaType", mediaType);
    node.put("digest", digest.value());
    node.put("size", size);
    if (!annotations.isEmpty()) {
      ObjectNode a = node.putObject("annotations");
      new TreeMap<>(annotations).forEach(a::put);
    }
    return node;
  }
}
