package dev.cnbfarm.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** A rendered YAML stream as its documents, with look-ups by kind and name. Immutable. */
record Manifests(List<ObjectNode> docs) {
  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  Manifests {
    docs = List.copyOf(docs);
  }

  static Manifests parse(String yaml) {
    List<ObjectNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && doc.isObject()) {
          docs.add((ObjectNode) doc);
        }
      }
    }
    return new Manifests(docs);
  }

  /** A deep copy, for a test that breaks one document. */
  Manifests copy() {
    return new Manifests(docs.stream().map(ObjectNode::deepCopy).toList());
  }

  List<ObjectNode> ofKind(String kind) {
    return docs.stream().filter(d -> d.path("kind").asString("").equals(kind)).toList();
  }

  Optional<ObjectNode> find(String kind, String name) {
    return ofKind(kind).stream().filter(d -> name(d).equals(name)).findFirst();
  }

  static String name(JsonNode doc) {
    return doc.path("metadata").path("name").asString("");
  }
}
