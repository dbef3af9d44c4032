package dev.cnbfarm.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

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
