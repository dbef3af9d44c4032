package dev.cnbfarm.runtime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.common.utils.Utils;

/**
 * The topic names of one farm: {@link Topic}s under a prefix ({@code CNBFARM_TOPIC_PREFIX},
 * default {@code cnbfarm}). Immutable.
 */
public record Topics(String prefix) {
  public static final String DEFAULT_PREFIX = "cnbfarm";
  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

  public Topics {
    if (!LEGAL.matcher(prefix).matches() || prefix.length() > 200) {
      throw new IllegalArgumentException("topic prefix '" + prefix + "' must be 1-200 of a-z A-Z 0-9 . _ -");
    }
  }

  public static Topics defaults() {
    return new Topics(DEFAULT_PREFIX);
  }

  /**
   * The partition, of {@code partitions}, that the Kafka producer's default partitioner picks for a
   * record keyed {@code buildId}: every event of one build lands there.
   */
  public static int partitionOf(String buildId, int partitions) {
    return Utils.toPositive(Utils.murmur2(buildId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  public String name(Topic topic) {
    return topic.name(prefix);
  }

  public String dlq(Topic topic) {
    return topic.dlq(prefix);
  }

  /** Every topic of the farm with its dead-letter twin. */
  public List<String> all() {
    List<String> names = new ArrayList<>();
    for (Topic t : Topic.values()) {
      names.add(name(t));
      names.add(dlq(t));
    }
    return List.copyOf(names);
  }
}
