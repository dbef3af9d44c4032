package dev.cnbfarm.runtime.settings;

import dev.cnbfarm.runtime.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka part shared by every worker (style.md §6): where the brokers are, the topics' prefix,
 * partitions and replication for {@code TopicAdmin}, and the Kafka client properties passed
 * through as {@code CNBFARM_KAFKA_<X>} ({@code <x>} lower case, {@code _} → {@code .}, so {@code
 * CNBFARM_KAFKA_MAX_POLL_INTERVAL_MS} is {@code max.poll.interval.ms}). Each client gets only the
 * pass-through keys it knows. Immutable.
 */
public record KafkaSettings(String bootstrap, Topics topics, int partitions, short replication,
    Map<String, String> clientProperties) {
  public static final String PASS_THROUGH_PREFIX = "CNBFARM_KAFKA_";

  public static final Setting<String> BOOTSTRAP = Setting.of("CNBFARM_BOOTSTRAP", "127.0.0.1:9092",
      "Kafka bootstrap servers, host:port[,host:port...]", Parsers::bootstrap);
  public static final Setting<Topics> TOPIC_PREFIX = Setting.of("CNBFARM_TOPIC_PREFIX", Topics.DEFAULT_PREFIX,
      "prefix of every topic name and consumer group id (<prefix>.build.requested.v1, <prefix>-detect)",
      Topics::new);
  public static final Setting<Integer> TOPIC_PARTITIONS = Setting.of("CNBFARM_TOPIC_PARTITIONS", "8",
      "partitions of each topic the workers create when it is missing", Parsers.integer(1, 10_000));
  public static final Setting<Integer> TOPIC_REPLICATION = Setting.of("CNBFARM_TOPIC_REPLICATION", "1",
      "replication factor of each topic the workers create when it is missing", Parsers.integer(1, 100));

  /**
   * Properties the runtime owns: overriding them would break at-least-once delivery (auto
   * commit), the ordering per build (idempotence, acks) or the wire format (serdes).
   */
  private static final Set<String> OWNED = Set.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
      ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ProducerConfig.ACKS_CONFIG,
      ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.TRANSACTIONAL_ID_CONFIG,
      ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
      ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);

  public KafkaSettings {
    Objects.requireNonNull(bootstrap, "bootstrap");
    Objects.requireNonNull(topics, "topics");
    clientProperties = Map.copyOf(clientProperties);
  }

  /** The declared keys, in table order. */
  public static List<Setting<?>> settings() {
    return List.of(BOOTSTRAP, TOPIC_PREFIX, TOPIC_PARTITIONS, TOPIC_REPLICATION);
  }

  /** Reads the Kafka keys of {@code env}, adding every bad one to {@code errors}. */
  static KafkaSettings read(Map<String, String> env, List<String> errors) {
    return new KafkaSettings(BOOTSTRAP.read(env, errors), TOPIC_PREFIX.read(env, errors),
        TOPIC_PARTITIONS.read(env, errors), TOPIC_REPLICATION.read(env, errors).shortValue(),
        passThrough(env, errors));
  }

  private static Map<String, String> passThrough(Map<String, String> env, List<String> errors) {
    Map<String, String> props = new TreeMap<>();
    List<String> names = new ArrayList<>(env.keySet());
    names.sort(null);
    for (String name : names) {
      if (!name.startsWith(PASS_THROUGH_PREFIX) || name.length() == PASS_THROUGH_PREFIX.length()) {
        continue;
      }
      String key = name.substring(PASS_THROUGH_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
      if (OWNED.contains(key)) {
        errors.add(name + ": " + key + " is set by cnbfarm itself"
            + (key.equals(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) ? " (use CNBFARM_BOOTSTRAP)" : ""));
      } else if (!known(key)) {
        errors.add(name + ": no Kafka client property " + key);
      } else {
        props.put(key, env.get(name));
      }
    }
    return props;
  }

  private static boolean known(String key) {
    return ConsumerConfig.configNames().contains(key) || ProducerConfig.configNames().contains(key)
        || AdminClientConfig.configNames().contains(key);
  }

  /** The consumer group of a phase: {@code <prefix>-<phase>} (cnbfarm-detect, cnbfarm-extend-build...). */
  public String groupId(String phase) {
    return topics.prefix() + "-" + phase;
  }

  /**
   * The loop's consumer: manual commits after the outputs' acks, the earliest offset for a new
   * group, no topic auto-creation ({@code TopicAdmin} creates them with the settings), and the
   * cooperative assignor, so a rebalance revokes only the partitions that move.
   */
  public Map<String, Object> consumerProperties(String groupId, String clientId) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    passed(p, ConsumerConfig.configNames());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  /** The idempotent producer: {@code acks=all}, so an output is on every in-sync replica before the commit. */
  public Map<String, Object> producerProperties(String clientId) {
    Map<String, Object> p = new HashMap<>();
    passed(p, ProducerConfig.configNames());
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  public Map<String, Object> adminProperties(String clientId) {
    Map<String, Object> p = new HashMap<>();
    passed(p, AdminClientConfig.configNames());
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    return p;
  }

  private void passed(Map<String, Object> into, Set<String> known) {
    clientProperties.forEach((k, v) -> {
      if (known.contains(k)) {
        into.put(k, v);
      }
    });
  }
}
