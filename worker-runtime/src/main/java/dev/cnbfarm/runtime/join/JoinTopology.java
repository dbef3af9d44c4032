package dev.cnbfarm.runtime.join;

import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.Topics;
import dev.cnbfarm.runtime.codec.EventCodec;
import dev.cnbfarm.runtime.failure.FailureEvents;
import dev.cnbfarm.runtime.failure.RetryPolicy;
import dev.cnbfarm.runtime.handler.JoinHandler;
import java.time.Clock;
import java.util.Locale;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The join's topology: each side is read as bytes, decoded (poison to the side's {@code .dlq}),
 * and reduced to a table of the highest attempt per build id; the two tables are joined on key
 * where both sides have the same attempt; the pair goes to the handler, whose records are routed
 * to the topics they name. Every store is in memory and logged to a changelog topic, so a new
 * instance restores the state from Kafka. Stateless.
 */
final class JoinTopology {
  private JoinTopology() {}

  static <L extends SpecificRecord, R extends SpecificRecord> Topology build(JoinHandler<L, R> handler, Topic left,
      Topic right, Topics topics, String instance, RetryPolicy retry, Clock clock,
      JoinMetrics metrics) {
    EventCodec codec = new EventCodec();
    StreamsBuilder builder = new StreamsBuilder();
    KTable<byte[], L> lefts = latestAttempt(builder, codec, handler.left(), left, topics, handler.phase(), instance,
        metrics);
    KTable<byte[], R> rights = latestAttempt(builder, codec, handler.right(), right, topics, handler.phase(),
        instance, metrics);
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(HandleProcessor.HANDLED_STORE),
        Serdes.String(), Serdes.Integer()));
    lefts.join(rights, (l, r) -> attempt(l) == attempt(r) ? new JoinedPair<>(l, r, attempt(l)) : null,
            Named.as("join-same-attempt"))
        .toStream(Named.as("joined"))
        .filter((k, pair) -> pair != null, Named.as("same-attempt-only"))
        .process(() -> new HandleProcessor<>(handler, topics, instance, retry, clock, codec, metrics), Named.as("handle"),
            HandleProcessor.HANDLED_STORE)
        .to((key, routed, ctx) -> routed.topic(), Produced.with(Serdes.String(), Routed.serde()));
    return builder.build();
  }

  private static <T extends SpecificRecord> KTable<byte[], T> latestAttempt(StreamsBuilder builder, EventCodec codec,
      Class<T> type, Topic topic, Topics topics, String stage, String worker, JoinMetrics metrics) {
    String side = topic.name().toLowerCase(Locale.ROOT).replace('_', '-');
    KStream<byte[], Decoded<T>> decoded = builder
        .stream(topics.name(topic), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(side + "-source"))
        .processValues(() -> new DecodeProcessor<>(codec, type, stage, worker, metrics), Named.as(side + "-decode"));
    decoded.filter((k, v) -> v instanceof Decoded.Poison<T>, Named.as(side + "-poison"))
        .mapValues(v -> ((Decoded.Poison<T>) v).bytes(), Named.as(side + "-poison-bytes"))
        .to(topics.dlq(topic), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(side + "-dlq"));
    EventSerde<T> serde = new EventSerde<>(codec, type);
    return decoded.filter((k, v) -> k != null && v instanceof Decoded.Event<T>, Named.as(side + "-events"))
        .mapValues(v -> ((Decoded.Event<T>) v).event(), Named.as(side + "-event"))
        .groupByKey(Grouped.with(side + "-by-build", Serdes.ByteArray(), serde))
        // an older attempt redelivered after a newer one must not replace it
        .reduce((kept, next) -> attempt(next) >= attempt(kept) ? next : kept, Named.as(side + "-latest"),
            Materialized.<byte[], T>as(Stores.inMemoryKeyValueStore(side + "-latest"))
                .withKeySerde(Serdes.ByteArray()).withValueSerde(serde));
  }

  static int attempt(SpecificRecord event) {
    return FailureEvents.Envelope.of(event).orElseThrow(() -> new IllegalArgumentException(
        event.getSchema().getName() + " has no build id and attempt")).attempt();
  }
}
