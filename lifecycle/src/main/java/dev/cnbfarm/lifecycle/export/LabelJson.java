package dev.cnbfarm.lifecycle.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;

/**
 * Label values as JSON, written compact with every object's keys sorted, so the same metadata
 * always gives the same bytes (and the image the same digest); read with errors naming the label.
 * Stateless and thread-safe.
 */
public final class LabelJson {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
      .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false);

  private LabelJson() {}

  public static String write(Object tree) {
    try {
      return MAPPER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("label value is not representable as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Parses a label's JSON; empty or malformed values are an input error naming the label. */
  public static JsonNode read(String json, String label) {
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new LifecycleException(FailureCode.INVALID_INPUT, "label " + label + " is empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new LifecycleException(FailureCode.INVALID_INPUT,
          "label " + label + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** An empty JSON array, for absent optional arrays. */
  public static JsonNode emptyArray() {
    return MAPPER.createArrayNode();
  }
}
