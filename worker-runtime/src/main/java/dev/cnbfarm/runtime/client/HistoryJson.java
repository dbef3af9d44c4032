package dev.cnbfarm.runtime.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

/**
 * {@code cnbfarm history --json}: histories as plain JSON for machines. Each build has its id,
 * status, image digest, group and Dockerfiles, then every event with topic, timestamp, partition,
 * offset and the event's fields (timestamps as ISO-8601 strings, optional fields as null, no Avro
 * union wrappers). Stateless; thread-safe.
 */
public final class HistoryJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private HistoryJson() {}

  /** The histories as one JSON array, indented. */
  public static String write(List<BuildHistory> histories) {
    ArrayNode all = NODES.arrayNode();
    histories.forEach(h -> all.add(tree(h)));
    try {
      return MAPPER.writeValueAsString(all);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render history as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** One history as a JSON object. */
  public static ObjectNode tree(BuildHistory history) {
    ObjectNode build = NODES.objectNode();
    build.put("buildId", history.buildId());
    history.status().ifPresent(s -> {
      build.put("attempt", s.attempt());
      build.put("outcome", s.outcome().name().toLowerCase(Locale.ROOT));
      build.put("phase", s.phase().name().toLowerCase(Locale.ROOT));
      build.put("updatedAt", s.updatedAt().toString());
    });
    history.requested().ifPresent(r -> build.set("spec", avro(r.getSpec(), r.getSpec().getSchema())));
    ArrayNode group = build.putArray("group");
    history.group().forEach(m -> group.add(avro(m, m.getSchema())));
    ArrayNode dockerfiles = build.putArray("dockerfiles");
    history.dockerfiles().forEach(d -> dockerfiles.add(avro(d, d.getSchema())));
    history.exported().ifPresentOrElse(x -> build.put("imageDigest", x.getImageDigest()),
        () -> build.putNull("imageDigest"));
    ArrayNode events = build.putArray("events");
    for (BuildEvent e : history.events()) {
      ObjectNode event = events.addObject();
      event.put("topic", e.topic().name().toLowerCase(Locale.ROOT).replace('_', '.'));
      event.put("timestamp", e.timestamp().toString());
      event.put("partition", e.partition());
      event.put("offset", e.offset());
      event.set("event", avro(e.event(), e.event().getSchema()));
    }
    return build;
  }

  /** An Avro value as plain JSON, following its schema. */
  static JsonNode avro(Object value, Schema schema) {
    if (value == null) {
      return NODES.nullNode();
    }
    switch (schema.getType()) {
      case RECORD:
        IndexedRecord record = (IndexedRecord) value;
        ObjectNode object = NODES.objectNode();
        for (Schema.Field f : schema.getFields()) {
          object.set(f.name(), avro(record.get(f.pos()), f.schema()));
        }
        return object;
      case UNION:
        return avro(value, schema.getTypes().get(SpecificData.get().resolveUnion(schema, value)));
      case ARRAY:
        ArrayNode array = NODES.arrayNode();
        for (Object item : (Collection<?>) value) {
          array.add(avro(item, schema.getElementType()));
        }
        return array;
      case MAP:
        ObjectNode map = NODES.objectNode();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
          map.set(e.getKey().toString(), avro(e.getValue(), schema.getValueType()));
        }
        return map;
      case INT:
        return NODES.numberNode(((Number) value).intValue());
      case LONG:
        return value instanceof Instant i ? NODES.textNode(i.toString()) : NODES.numberNode(((Number) value).longValue());
      case FLOAT:
      case DOUBLE:
        return NODES.numberNode(((Number) value).doubleValue());
      case BOOLEAN:
        return NODES.booleanNode((Boolean) value);
      case BYTES:
      case FIXED:
        ByteBuffer b = value instanceof ByteBuffer bb ? bb.duplicate() : ByteBuffer.wrap(((org.apache.avro.generic.GenericFixed) value).bytes());
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
      case NULL:
        return NODES.nullNode();
      default:
        return NODES.textNode(value.toString());
    }
  }
}
