package dev.cnbfarm.runtime.loop;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The log context of one record (style.md §7): buildId, phase, eventId, topic, partition and
 * offset, set on the thread that opens it and removed when it closes, whatever happened in
 * between. Not thread-safe: one scope per thread.
 */
final class MdcScope implements AutoCloseable {
  private final Map<String, String> entries;

  private MdcScope(Map<String, String> entries) {
    this.entries = entries;
    entries.forEach(MDC::put);
  }

  /** The keys of a record (the build's keys once it is decoded). */
  static Map<String, String> keys(String phase, String topic, int partition, long offset, String buildId,
      String eventId) {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("phase", phase);
    keys.put("topic", topic);
    keys.put("partition", Integer.toString(partition));
    keys.put("offset", Long.toString(offset));
    if (buildId != null) {
      keys.put("buildId", buildId);
    }
    if (eventId != null) {
      keys.put("eventId", eventId);
    }
    return keys;
  }

  static MdcScope open(Map<String, String> keys) {
    return new MdcScope(keys);
  }

  @Override
  public void close() {
    entries.keySet().forEach(MDC::remove);
  }
}
