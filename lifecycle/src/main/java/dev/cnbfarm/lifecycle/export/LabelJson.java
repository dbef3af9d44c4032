package dev.cnbfarm.lifecycle.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Map;

/**
 * Serialises label values: compact JSON with every object's keys sorted, so the same metadata
 * always gives the same bytes (and the app image the same digest). Stateless and thread-safe.
 */
final class LabelJson {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
      .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false);

  private LabelJson() {}

  static String write(Map<String, ?> tree) {
    try {
      return MAPPER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("label value is not representable as JSON: " + e.getOriginalMessage(), e);
    }
  }
}
