package dev.cnbfarm.runtime.join;

import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.Topics;
import dev.cnbfarm.runtime.failure.RetryPolicy;
import dev.cnbfarm.runtime.handler.JoinHandler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime of a worker whose handler needs two events of one build (the export worker:
 * {@code built} ⋈ {@code run.ready}, design.md §2): a Kafka Streams app, application id {@code
 * <prefix>-<phase>}, with exactly-once processing, so a crash between the join and the produce
 * gives exactly one output per attempt, and its join state in changelog topics, so a restarted
 * worker loses nothing. Poison records go to the input topic's {@code .dlq}; a handler's failure
 * becomes a {@code BuildFailed} event (retryable ones after the {@link RetryPolicy}).
 *
 * <p>Bound: a retried pair holds the stream thread for up to the policy's deadline plus one try, so
 * {@code max.poll.interval.ms} and the transaction timeout are raised to twice that plus a minute
 * (at least Kafka's 5-minute default, at most the broker's 15-minute transaction maximum).
 * Thread-safe.
 */
public final class JoinLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JoinLoop.class);
  static final Duration MIN_POLL_INTERVAL = Duration.ofMinutes(5);
  static final Duration MAX_TRANSACTION = Duration.ofMinutes(15);

  private final KafkaStreams streams;
  private final String applicationId;
  private final MeterRegistry registry;
  private final Gauge lag;

  private JoinLoop(KafkaStreams streams, String applicationId, MeterRegistry registry, JoinMetrics metrics) {
    this.streams = streams;
    this.applicationId = applicationId;
    this.registry = registry;
    this.lag = metrics.lag(applicationId, streams::metrics);
  }

  /** A loop over {@code left} ⋈ {@code right}; nothing runs until {@link #start()}. */
  public static <L extends SpecificRecord, R extends SpecificRecord> JoinLoop create(JoinHandler<L, R> handler,
      Topic left, Topic right, String bootstrap, Topics topics, String instance, RetryPolicy retry, Path stateDir) {
    return create(handler, left, right, bootstrap, topics, instance, retry, stateDir, Map.of(), Clock.systemUTC());
  }

  /** As below, with meters nobody scrapes. */
  public static <L extends SpecificRecord, R extends SpecificRecord> JoinLoop create(JoinHandler<L, R> handler,
      Topic left, Topic right, String bootstrap, Topics topics, String instance, RetryPolicy retry, Path stateDir,
      Map<String, ?> kafka, Clock clock) {
    return create(handler, left, right, bootstrap, topics, instance, retry, stateDir, kafka, clock,
        new SimpleMeterRegistry());
  }

  /**
   * As above, with Kafka client properties passed through (the {@code CNBFARM_KAFKA_*} settings;
   * they win over the defaults here, except the exactly-once guarantee) and the clock of the
   * events' {@code occurredAt}, and the registry of its meters ({@link JoinMetrics}).
   */
  public static <L extends SpecificRecord, R extends SpecificRecord> JoinLoop create(JoinHandler<L, R> handler,
      Topic left, Topic right, String bootstrap, Topics topics, String instance, RetryPolicy retry, Path stateDir,
      Map<String, ?> kafka, Clock clock, MeterRegistry registry) {
    String applicationId = topics.prefix() + "-" + handler.phase();
    Properties props = properties(applicationId, bootstrap, instance, retry, stateDir, kafka);
    JoinMetrics metrics = new JoinMetrics(registry, handler.phase());
    KafkaStreams streams = new KafkaStreams(JoinTopology.build(handler, left, right, topics, instance, retry, clock,
        metrics), props);
    streams.setUncaughtExceptionHandler(e -> {
      log.error("{} stopped: {}", applicationId, e.getMessage(), e);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    return new JoinLoop(streams, applicationId, registry, metrics);
  }

  static Properties properties(String applicationId, String bootstrap, String instance, RetryPolicy retry,
      Path stateDir, Map<String, ?> kafka) {
    Duration bound = retry.deadline().multipliedBy(2).plus(Duration.ofMinutes(1));
    Duration pollInterval = bound.compareTo(MIN_POLL_INTERVAL) < 0 ? MIN_POLL_INTERVAL : bound;
    Duration transaction = pollInterval.compareTo(MAX_TRANSACTION) > 0 ? MAX_TRANSACTION : pollInterval;
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(StreamsConfig.CLIENT_ID_CONFIG, applicationId + "-" + instance);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    // state lives in Kafka: in-memory stores restored from their changelogs, no RocksDB
    p.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class);
    // every table update reaches the join at once (the stores are small: one event per build and side)
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    // the behaviour Kafka 5 makes the default (and its warning otherwise)
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), (int) pollInterval.toMillis());
    p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), (int) transaction.toMillis());
    p.putAll(kafka);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    return p;
  }

  /** Starts the app; it joins its group and restores its state from Kafka in the background. */
  public void start() {
    log.info("{} starting", applicationId);
    streams.start();
  }

  /** Whether the app is running or rebalancing (not stopped by an error or a close). */
  public boolean isRunning() {
    return streams.state().isRunningOrRebalancing();
  }

  /** Whether the app is running with its state restored and partitions assigned. */
  public boolean isReady() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  /**
   * Stops the app within {@code timeout} and leaves the group, so another instance takes over its
   * partitions at once rather than after the session timeout; uncommitted work is aborted and
   * redone by that instance.
   */
  public boolean close(Duration timeout) {
    boolean closed = streams.close(CloseOptions.timeout(timeout)
        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    registry.remove(lag);
    log.info("{} {}", applicationId, closed ? "stopped" : "did not stop within " + timeout.toMillis() + " ms");
    return closed;
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
