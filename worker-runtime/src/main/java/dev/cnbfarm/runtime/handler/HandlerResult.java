package dev.cnbfarm.runtime.handler;

import dev.cnbfarm.runtime.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * What a handler asks the loop to produce for one input event: (topic, key, value) triples, in
 * order. The loop produces them all before it commits the input's offset. Immutable.
 */
public record HandlerResult(List<Output> outputs) {
  public HandlerResult {
    outputs = List.copyOf(outputs);
  }

  /** One record to produce. The key is the build id. */
  public record Output(Topic topic, String key, SpecificRecord value) {
    public Output {
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  public static HandlerResult none() {
    return new HandlerResult(List.of());
  }

  public static HandlerResult of(Topic topic, String key, SpecificRecord value) {
    return new HandlerResult(List.of(new Output(topic, key, value)));
  }

  public HandlerResult and(Topic topic, String key, SpecificRecord value) {
    List<Output> more = new ArrayList<>(outputs);
    more.add(new Output(topic, key, value));
    return new HandlerResult(more);
  }
}
