package dev.cnbfarm.image.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A single-platform image manifest (OCI or Docker v2 schema 2): a config descriptor and layer
 * descriptors, bottom layer first. {@link #toJson()} is canonical (fixed field order, no
 * whitespace), so the same manifest always has the same digest. Immutable.
 *
 * @param mediaType {@link MediaTypes#OCI_MANIFEST} or {@link MediaTypes#DOCKER_MANIFEST}
 * @param config the config blob
 * @param layers the layer blobs, bottom first
 */
public record Manifest(String mediaType, Descriptor config, List<Descriptor> layers) {
  public Manifest {
    if (!MediaTypes.MANIFESTS.contains(mediaType)) {
      throw new IllegalArgumentException("not an image manifest media type: " + mediaType);
    }
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
  }

  /** An OCI manifest. */
  public static Manifest of(Descriptor config, List<Descriptor> layers) {
    return new Manifest(MediaTypes.OCI_MANIFEST, config, layers);
  }

  /** Parses a manifest; an index or anything else is an {@link InvalidImageException}. */
  public static Manifest parse(byte[] json) {
    ObjectNode node = Json.object(json, "manifest");
    String mediaType = Json.text(node, "mediaType");
    if (mediaType.isEmpty() && node.has("config")) {
      mediaType = MediaTypes.OCI_MANIFEST;
    }
    if (!MediaTypes.MANIFESTS.contains(mediaType)) {
      throw new InvalidImageException("unsupported manifest media type '" + mediaType + "'");
    }
    List<Descriptor> layers = new ArrayList<>();
    for (JsonNode layer : node.path("layers")) {
      layers.add(Descriptor.fromJson(layer, "manifest layers"));
    }
    return new Manifest(mediaType, Descriptor.fromJson(node.path("config"), "manifest config"), layers);
  }

  /** The same manifest with {@code layer} added on top. */
  public Manifest withLayer(Descriptor layer) {
    List<Descriptor> more = new ArrayList<>(layers);
    more.add(layer);
    return new Manifest(mediaType, config, more);
  }

  /** The same manifest pointing at another config blob. */
  public Manifest withConfig(Descriptor newConfig) {
    return new Manifest(mediaType, newConfig, layers);
  }

  /** Canonical JSON: schemaVersion, mediaType, config, layers. */
  public byte[] toJson() {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("schemaVersion", 2);
    node.put("mediaType", mediaType);
    node.set("config", config.toJson());
    ArrayNode array = node.putArray("layers");
    layers.forEach(l -> array.add(l.toJson()));
    return Json.bytes(node);
  }
}
