package dev.cnbfarm.runtime.client;

import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.runtime.EventIds;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.Topics;
import dev.cnbfarm.runtime.codec.EventCodec;
import dev.cnbfarm.schemas.BuildRequested;
import dev.cnbfarm.schemas.BuildSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the {@code cnbfarm} commands do against a farm's broker: submit, follow, status, history,
 * replay (design.md §1). Everything it knows is read from the pipeline topics; it holds no
 * state but a producer. Not thread-safe: one per command.
 */
public final class BuildClient implements AutoCloseable {
  /** Every topic a build writes to, in pipeline order. */
  static final List<Topic> FOLLOWED = List.of(Topic.REQUESTED, Topic.DETECTED, Topic.BUILT, Topic.RUN_READY,
      Topic.EXPORTED, Topic.FAILED, Topic.LOGS);
  /** The phase events; log lines are not history (follow shows them). */
  static final List<Topic> HISTORY = FOLLOWED.subList(0, FOLLOWED.size() - 1);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);

  private final String bootstrap;
  private final Topics topics;
  private final String instance;
  private final Map<String, Object> kafka;
  private final Clock clock;
  private final EventCodec codec = new EventCodec();
  private KafkaProducer<String, byte[]> producer;

  private BuildClient(String bootstrap, Topics topics, String instance, Map<String, ?> kafka, Clock clock) {
    this.bootstrap = bootstrap;
    this.topics = topics;
    this.instance = instance;
    this.kafka = Map.copyOf(kafka);
    this.clock = clock;
  }

  /** A client of the farm at {@code bootstrap}; {@code instance} is the events' {@code producer}. */
  public static BuildClient connect(String bootstrap, Topics topics, String instance) {
    return connect(bootstrap, topics, instance, Map.of(), Clock.systemUTC());
  }

  /** As above, with Kafka client properties passed through ({@code CNBFARM_KAFKA_*}) and a clock. */
  public static BuildClient connect(String bootstrap, Topics topics, String instance, Map<String, ?> kafka,
      Clock clock) {
    return new BuildClient(bootstrap, topics, instance, kafka, clock);
  }

  /** Creates the farm's topics that do not exist yet ({@link Topics#all()}). */
  public void createTopics(int partitions, short replication) {
    Properties p = properties();
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
    try (Admin admin = Admin.create(p)) {
      List<NewTopic> wanted = topics.all().stream().map(t -> new NewTopic(t, partitions, replication)).toList();
      admin.createTopics(wanted).values().forEach((name, future) -> {
        try {
          future.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw brokerFailure("cannot create topic " + name, e.getCause());
          }
        } catch (InterruptedException | TimeoutException e) {
          throw interruptedOrTimedOut("creating topic " + name, e);
        }
      });
    }
  }

  /** Submits {@code spec} as a new build (attempt 1) and returns its id once the broker has it (acks=all). */
  public String submit(BuildSpec spec) {
    String buildId = UUID.randomUUID().toString();
    BuildRequested requested = BuildRequested.newBuilder()
        .setEventId(EventIds.of(buildId, "requested", 1))
        .setBuildId(buildId)
        .setAttempt(1)
        .setOccurredAt(clock.instant())
        .setProducer(instance)
        .setSpec(BuildSpec.newBuilder(spec).build())
        .build();
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.name(Topic.REQUESTED), null,
        clock.millis(), buildId, codec.encode(requested));
    try {
      producer().send(record).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw brokerFailure("cannot submit the build to " + bootstrap, e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw interruptedOrTimedOut("submitting the build", e);
    }
    return buildId;
  }

  /** Follows a build from the start of the log; see {@link #follow(String, Optional, Consumer, Duration)}. */
  public BuildEvent follow(String buildId, Consumer<BuildEvent> listener, Duration timeout) {
    return follow(buildId, Optional.empty(), listener, timeout);
  }

  /**
   * Gives {@code listener} every event of the build (phase events and log lines, in timestamp
   * order) written since {@code from} (or ever), live, until the build's highest attempt ends.
   *
   * @return the terminal event: {@code exported} or {@code failed} of the highest attempt seen
   * @throws FollowTimeoutException when the build has not ended within {@code timeout}
   */
  public BuildEvent follow(String buildId, Optional<Instant> from, Consumer<BuildEvent> listener,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int highest = 0;
    BuildEvent terminal = null;
    BuildEvent last = null;
    try (BuildReader reader = new BuildReader(bootstrap, kafka)) {
      reader.assignBuild(topics, FOLLOWED, buildId, from);
      while (System.nanoTime() < deadline) {
        for (BuildEvent e : reader.poll(Duration.ofMillis(100))) {
          listener.accept(e);
          last = e instanceof BuildEvent.Log ? last : e;
          highest = Math.max(highest, e.attempt());
          if (e.terminal() && e.attempt() >= highest) {
            terminal = e;
          }
        }
        if (reader.caughtUp() && terminal != null && terminal.attempt() >= highest) {
          return terminal;
        }
      }
    }
    throw new FollowTimeoutException("build " + buildId + " did not finish within " + timeout.toSeconds() + " s"
        + (last == null ? " (no event of it seen)" : " (last: " + phaseName(last) + ")"));
  }

  /** Where the build is now; empty when the log has no event of it. */
  public Optional<BuildStatus> status(String buildId) {
    return BuildStatus.of(buildId, read(Optional.of(buildId), Optional.empty()));
  }

  /**
   * Every phase event of every build (or of one build) written since {@code since} (or ever),
   * grouped by build, each build's in timestamp order, builds by their first event.
   */
  public List<BuildHistory> history(Optional<String> buildId, Optional<Instant> since) {
    Map<String, List<BuildEvent>> byBuild = new LinkedHashMap<>();
    for (BuildEvent e : read(buildId, since)) {
      byBuild.computeIfAbsent(e.buildId(), k -> new ArrayList<>()).add(e);
    }
    List<BuildHistory> out = new ArrayList<>();
    byBuild.forEach((id, events) -> out.add(new BuildHistory(id, events)));
    out.sort(Comparator.comparing(h -> h.events().get(0).timestamp()));
    return out;
  }

  /**
   * Submits the build's request again as a new build whose {@code replayOf} is {@code buildId}.
   *
   * @return the new build's id
   * @throws UnknownBuildException when the log has no request of {@code buildId}
   */
  public String replay(String buildId) {
    BuildRequested requested = history(Optional.of(buildId), Optional.empty()).stream().findFirst()
        .flatMap(BuildHistory::requested).orElseThrow(() -> new UnknownBuildException(buildId));
    BuildSpec spec = BuildSpec.newBuilder(requested.getSpec()).setReplayOf(buildId).build();
    return submit(spec);
  }

  private List<BuildEvent> read(Optional<String> buildId, Optional<Instant> since) {
    try (BuildReader reader = new BuildReader(bootstrap, kafka)) {
      if (buildId.isPresent()) {
        reader.assignBuild(topics, HISTORY, buildId.get(), since);
      } else {
        reader.assignAll(topics, HISTORY, since);
      }
      return reader.readBacklog(READ_TIMEOUT);
    }
  }

  private static String phaseName(BuildEvent e) {
    return e.topic().name().toLowerCase(java.util.Locale.ROOT).replace('_', '.') + " of attempt " + e.attempt();
  }

  private KafkaProducer<String, byte[]> producer() {
    if (producer == null) {
      Properties p = properties();
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
      p.put(ProducerConfig.CLIENT_ID_CONFIG, instance + "-client");
      producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }
    return producer;
  }

  private Properties properties() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.putAll(kafka);
    return p;
  }

  private LifecycleException brokerFailure(String what, Throwable cause) {
    return new LifecycleException(FailureCode.GENERIC, Category.INFRA, what + ": " + cause.getMessage(), cause);
  }

  private LifecycleException interruptedOrTimedOut(String what, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return new LifecycleException(FailureCode.GENERIC, Category.CANCELLED, "interrupted while " + what, e);
    }
    return new LifecycleException(FailureCode.GENERIC, Category.INFRA, "the broker at " + bootstrap
        + " did not answer within " + SEND_TIMEOUT.toSeconds() + " s while " + what, e);
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
    }
  }

}
