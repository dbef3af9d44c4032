package dev.cnbfarm.runtime.loop;

import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.Failures;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.report.Reporter;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.Topics;
import dev.cnbfarm.runtime.codec.EventCodec;
import dev.cnbfarm.runtime.codec.UndecodableEventException;
import dev.cnbfarm.runtime.failure.FailureEvents;
import dev.cnbfarm.runtime.failure.FailureEvents.Envelope;
import dev.cnbfarm.runtime.handler.HandlerContext;
import dev.cnbfarm.runtime.handler.PhaseHandler;
import dev.cnbfarm.runtime.handler.WorkMeter;
import dev.cnbfarm.runtime.loop.DeadLetters.Reason;
import dev.cnbfarm.runtime.loop.DeadLetters.Stage;
import dev.cnbfarm.runtime.loop.LoopMetrics.RecordOutcome;
import dev.cnbfarm.runtime.settings.WorkerSettings;
import dev.cnbfarm.schemas.BuildFailed;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one consumer loop of the pipeline (style.md §4): for each record of its input topic it
 * decodes the event, opens an MDC scope, runs the handler off the poll thread through the retry
 * policy, produces the outputs with the idempotent producer ({@code acks=all}), waits for every
 * ack and only then commits the input's offset. Delivery is at-least-once; handlers are idempotent.
 *
 * <p>While a handler runs, the loop's partitions are paused and the poll thread keeps polling, so
 * the group membership holds however long the handler takes (Connect's idiom); {@code
 * CNBFARM_HANDLER_TIMEOUT} bounds one try. Failures follow style.md §5: poison goes to the input's
 * {@code .dlq} and is committed; a user error or build outcome becomes a {@code BuildFailed} and is
 * committed; a retryable failure is retried and, when exhausted, becomes a {@code BuildFailed}
 * (INFRA) plus a DLQ copy; a bug becomes a {@code BuildFailed} (INTERNAL) plus a DLQ copy. A
 * cancelled handler commits nothing and stops the loop, so the record is redelivered. A partition
 * revoked while its handler runs has the run interrupted and its result discarded, uncommitted:
 * the partition's new owner handles the record again.
 *
 * <p>{@link #run} is called by one thread; {@link #shutdown} and {@link #close} by any.
 *
 * @param <I> the input event's generated Avro class
 */
public final class WorkerLoop<I extends SpecificRecord> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerLoop.class);
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final PhaseHandler<I> handler;
  private final String phase;
  private final String inputName;
  private final String dlqName;
  private final String groupId;
  private final WorkerSettings settings;
  private final Topics topics;
  private final EventCodec codec = new EventCodec();
  private final Clock clock = Clock.systemUTC();
  private final Consumer<byte[], byte[]> consumer;
  private final Producer<byte[], byte[]> producer;
  private final Outputs outputs;
  private final ExecutorService threads;
  private final LoopMetrics metrics;
  private final Deque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean stopping;
  private volatile boolean alive;
  private volatile boolean joined;
  private volatile Instant graceEnd = Instant.MAX;
  private InFlight inFlight; // poll thread only

  private record InFlight(ConsumerRecord<byte[], byte[]> record, Future<Outcome> future, Envelope envelope,
      BuildLogReporter buildLog, Instant started, Map<String, String> mdc) {
    TopicPartition partition() {
      return new TopicPartition(record.topic(), record.partition());
    }
  }

  private record LoopContext(String producer, Clock clock, Reporter log, WorkMeter meter) implements HandlerContext {}

  private WorkerLoop(PhaseHandler<I> handler, Topic input, String groupId, WorkerSettings settings,
      MeterRegistry registry) {
    this.handler = handler;
    this.phase = handler.phase();
    this.settings = settings;
    this.topics = settings.kafka().topics();
    this.inputName = topics.name(input);
    this.dlqName = topics.dlq(input);
    this.groupId = groupId;
    String clientId = settings.instance() + "-" + phase;
    this.consumer = new KafkaConsumer<>(settings.kafka().consumerProperties(groupId, clientId));
    this.producer = new KafkaProducer<>(settings.kafka().producerProperties(clientId));
    this.outputs = new Outputs(producer, codec, topics);
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "cnbfarm-" + phase + "-handler-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.metrics = new LoopMetrics(registry, phase, groupId);
  }

  /**
   * A loop of {@code handler} over the {@code input} topic in consumer group {@code groupId} (by
   * convention {@code settings.kafka().groupId(handler.phase())}: cnbfarm-detect...). Creates the
   * clients but does not connect; call {@link #run} or {@link #start}.
   */
  public static <I extends SpecificRecord> WorkerLoop<I> create(PhaseHandler<I> handler, Topic input,
      String groupId, WorkerSettings settings, MeterRegistry registry) {
    return new WorkerLoop<>(handler, input, groupId, settings, registry);
  }

  /** Runs the loop on the calling thread until {@link #shutdown}; then closes the clients. Once. */
  public void run() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("a worker loop runs once");
    }
    alive = true;
    log.info("{} worker {} consuming {} as group {}", phase, settings.instance(), inputName, groupId);
    try {
      consumer.subscribe(List.of(inputName), new Rebalance());
      while (!done()) {
        poll();
        if (inFlight != null && inFlight.future().isDone()) {
          InFlight f = inFlight;
          inFlight = null;
          complete(f);
        }
        while (inFlight == null && !stopping && !pending.isEmpty()) {
          begin(pending.removeFirst());
        }
        flowControl();
      }
    } catch (RuntimeException e) {
      log.error("{} loop stopped: {}", phase, Failures.classify(e, FailureCode.GENERIC).getMessage(), e);
    } finally {
      if (inFlight != null) {
        inFlight.future().cancel(true);
      }
      closeClients();
      metrics.close();
      alive = false;
      finished.countDown();
      log.info("{} worker {} stopped", phase, settings.instance());
    }
  }

  /** Runs the loop on a thread of its own. */
  public Thread start() {
    Thread t = new Thread(this::run, "cnbfarm-" + phase + "-loop");
    t.start();
    return t;
  }

  /**
   * Stops polling; a running handler gets {@code CNBFARM_SHUTDOWN_GRACE} to finish, and its
   * outputs are then produced and committed; past the grace it is interrupted and its offset is
   * not committed. Returns at once; see {@link #awaitTermination}.
   */
  public void shutdown() {
    if (!stopping) {
      graceEnd = Instant.now().plus(settings.shutdownGrace());
      stopping = true;
      consumer.wakeup();
    }
  }

  /** Waits for the loop to end; true when it did within {@code timeout}. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Shuts the loop down on SIGTERM (or any JVM exit), waiting for it within the grace. */
  public void installShutdownHook() {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      shutdown();
      try {
        awaitTermination(settings.shutdownGrace().plusSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "cnbfarm-" + phase + "-shutdown"));
  }

  /** {@link #shutdown} and wait for the loop; closes the clients of a loop that never ran. */
  @Override
  public void close() throws InterruptedException {
    if (started.compareAndSet(false, true)) {
      closeClients();
      finished.countDown();
      return;
    }
    shutdown();
    awaitTermination(settings.shutdownGrace().plusSeconds(30));
  }

  /** Whether the loop is running (for {@code /healthz}). */
  public boolean isAlive() {
    return alive;
  }

  /** Whether the loop has joined its group, with or without partitions (for {@code /readyz}). */
  public boolean isReady() {
    return alive && joined;
  }

  private boolean done() {
    if (!stopping) {
      return false;
    }
    if (inFlight != null && Instant.now().isAfter(graceEnd)) {
      try (MdcScope scope = MdcScope.open(inFlight.mdc())) {
        log.warn("{} still running after the shutdown grace of {}: interrupted, offset {} not committed", phase,
            HandlerRun.human(settings.shutdownGrace()), inFlight.record().offset());
      }
      inFlight.future().cancel(true);
      metrics.record(RecordOutcome.ABANDONED);
      inFlight = null;
    }
    return inFlight == null;
  }

  private void poll() {
    ConsumerRecords<byte[], byte[]> records;
    try {
      records = consumer.poll(POLL);
    } catch (WakeupException e) {
      return; // shutdown, or a handler run ended
    }
    if (!stopping) {
      records.forEach(pending::addLast);
    }
    long lag = 0;
    Set<TopicPartition> assigned = consumer.assignment();
    for (TopicPartition tp : assigned) {
      lag += consumer.currentLag(tp).orElse(0);
    }
    metrics.lag(lag, assigned.size());
  }

  /** Pauses every partition while a record waits or runs, so polling only keeps the membership. */
  private void flowControl() {
    if (inFlight != null || !pending.isEmpty()) {
      consumer.pause(consumer.assignment());
    } else if (!consumer.paused().isEmpty()) {
      consumer.resume(consumer.paused());
    }
  }

  private void begin(ConsumerRecord<byte[], byte[]> record) {
    metrics.consumed(record.topic());
    Map<String, String> mdc = MdcScope.keys(phase, record.topic(), record.partition(), record.offset(), null, null);
    I event;
    Envelope envelope;
    try (MdcScope scope = MdcScope.open(mdc)) {
      try {
        event = codec.decode(record.value(), handler.input());
        envelope = Envelope.of(event).orElseThrow(() -> new UndecodableEventException("the event has no build id"));
      } catch (UndecodableEventException e) {
        poison(record, e);
        return;
      }
    }
    Map<String, String> keys = MdcScope.keys(phase, record.topic(), record.partition(), record.offset(),
        envelope.buildId(), envelope.eventId());
    BuildLogReporter buildLog = new BuildLogReporter(producer, codec, topics.name(Topic.LOGS), envelope, phase,
        settings.instance(), clock);
    HandlerRun<I> run = new HandlerRun<>(handler, event, new LoopContext(settings.instance(), clock, buildLog, metrics.work()),
        buildLog, settings.retry(), settings.handlerTimeout(), threads, metrics, keys);
    try (MdcScope scope = MdcScope.open(keys)) {
      log.info("{} started for build {} (attempt {})", phase, envelope.buildId(), envelope.attempt());
    }
    // wake the poll thread only once the future is done: woken earlier, it can find the run not done
    // yet and then sleep a whole poll timeout before it produces and commits
    FutureTask<Outcome> future = new FutureTask<>(run) {
      @Override
      protected void done() {
        consumer.wakeup(); // the poll thread completes the record at once
      }
    };
    threads.execute(future);
    inFlight = new InFlight(record, future, envelope, buildLog, clock.instant(), keys);
  }

  private void complete(InFlight f) {
    Outcome outcome;
    try {
      outcome = f.future().get();
    } catch (CancellationException e) {
      return;
    } catch (ExecutionException e) {
      LifecycleException bug = Failures.classify(e.getCause(), HandlerRun.phaseDefault(phase));
      outcome = new Outcome.Failed(bug, e.getCause(), 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      shutdown();
      return;
    }
    try (MdcScope scope = MdcScope.open(f.mdc())) {
      Duration took = Duration.between(f.started(), clock.instant());
      metrics.handled(took);
      if (outcome instanceof Outcome.Succeeded s) {
        if (produce(f.record(), outputs.of(s.result()))) {
          commit(f.record());
          metrics.record(RecordOutcome.HANDLED);
          log.info("{} ended for build {}: {} output(s) in {}", phase, f.envelope().buildId(),
              s.result().outputs().size(), HandlerRun.human(took));
        }
      } else if (outcome instanceof Outcome.Failed x) {
        fail(f, x, took);
      } else if (outcome instanceof Outcome.Cancelled c) {
        metrics.record(RecordOutcome.ABANDONED);
        log.warn("{} cancelled for build {} ({}): stopping without committing offset {}", phase,
            f.envelope().buildId(), c.why(), f.record().offset());
        shutdown();
      }
    }
  }

  private void fail(InFlight f, Outcome.Failed x, Duration took) {
    LifecycleException failure = x.failure();
    Category category = failure.category();
    BuildFailed event = FailureEvents.of(f.envelope(), phase, failure, HandlerRun.phaseDefault(phase),
        f.buildLog().excerpt(), x.tries() - 1, settings.instance(), clock);
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    out.add(outputs.record(Topic.FAILED, f.envelope().buildId(), event));
    boolean deadLetter = category == Category.INFRA || category == Category.INTERNAL;
    if (deadLetter) {
      out.add(DeadLetters.copy(f.record(), dlqName, settings.instance(), phase, new Reason(Stage.HANDLE,
          failure.code().name(), category.name(), failure.getMessage(), x.thrown(), x.tries())));
    }
    if (!produce(f.record(), out)) {
      return;
    }
    commit(f.record());
    if (deadLetter) {
      metrics.record(category == Category.INFRA ? RecordOutcome.EXHAUSTED : RecordOutcome.INTERNAL);
      metrics.dlq(category);
      log.error("{} failed for build {} after {} tr{} ({} {}), record copied to {}: {}", phase,
          f.envelope().buildId(), x.tries(), x.tries() == 1 ? "y" : "ies", category, failure.code(), dlqName,
          failure.getMessage(), x.thrown());
    } else {
      metrics.record(RecordOutcome.FAILED);
      log.info("{} ended for build {}: failed ({} {}) in {}: {}", phase, f.envelope().buildId(), category,
          failure.code(), HandlerRun.human(took), failure.getMessage());
    }
  }

  private void poison(ConsumerRecord<byte[], byte[]> record, UndecodableEventException e) {
    ProducerRecord<byte[], byte[]> copy = DeadLetters.copy(record, dlqName, settings.instance(), phase,
        new Reason(Stage.DECODE, FailureCode.GENERIC.name(), Category.INTERNAL.name(), e.getMessage(), e, 0));
    if (produce(record, List.of(copy))) {
      commit(record);
      metrics.record(RecordOutcome.POISON);
      metrics.dlq(Category.INTERNAL);
      log.error("undecodable record {}-{}@{} copied to {}: {}", record.topic(), record.partition(), record.offset(),
          dlqName, e.getMessage());
    }
  }

  /**
   * Sends {@code records} and waits for all their acks. On a failure the input is not committed:
   * the consumer is moved back to it, so it is handled again (the idempotent handler recomputes the
   * same outputs); a failure that no retry can mend (a record too large) is logged and skipped.
   */
  private boolean produce(ConsumerRecord<byte[], byte[]> input, List<ProducerRecord<byte[], byte[]>> records) {
    Optional<Throwable> failure;
    try {
      failure = outputs.sendAll(records);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      shutdown();
      return false;
    }
    if (failure.isEmpty()) {
      Map<String, Integer> byTopic = new TreeMap<>();
      records.forEach(r -> byTopic.merge(r.topic(), 1, Integer::sum));
      byTopic.forEach(metrics::produced);
      return true;
    }
    Throwable cause = failure.get();
    metrics.record(RecordOutcome.UNPRODUCED);
    if (cause instanceof RetriableException) {
      log.error("cannot produce for offset {}: {}; it is handled again", input.offset(), cause.getMessage());
      rewind(input);
    } else {
      log.error("cannot produce for offset {}: {}; skipped", input.offset(), cause.getMessage(), cause);
      commit(input);
    }
    return false;
  }

  private void rewind(ConsumerRecord<byte[], byte[]> record) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    pending.removeIf(r -> r.partition() == record.partition() && r.topic().equals(record.topic()));
    consumer.seek(tp, record.offset());
  }

  private void commit(ConsumerRecord<byte[], byte[]> record) {
    Map<TopicPartition, OffsetAndMetadata> offset = Map.of(new TopicPartition(record.topic(), record.partition()),
        new OffsetAndMetadata(record.offset() + 1));
    for (int tries = 1; ; tries++) {
      try {
        consumer.commitSync(offset);
        return;
      } catch (WakeupException e) {
        if (tries == 3) {
          throw e;
        }
      } catch (KafkaException e) {
        log.warn("cannot commit offset {} of {}-{}: {}; the record will be handled again", record.offset() + 1,
            record.topic(), record.partition(), e.getMessage());
        return;
      }
    }
  }

  private void closeClients() {
    threads.shutdownNow();
    try {
      consumer.close();
    } catch (KafkaException e) {
      log.warn("closing the consumer: {}", e.getMessage());
    }
    producer.close(Duration.ofSeconds(10));
  }

  /** Drops the work of partitions that leave this loop: their new owner handles it. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      joined = true;
      log.info("{} assigned {}", phase, partitions);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      metrics.rebalanced();
      log.info("{} revoked {}", phase, partitions);
      pending.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
      if (inFlight != null && partitions.contains(inFlight.partition())) {
        try (MdcScope scope = MdcScope.open(inFlight.mdc())) {
          log.warn("{} partition {} revoked while its handler ran: interrupted, result discarded, offset {} left to "
              + "the new owner", phase, inFlight.partition(), inFlight.record().offset());
        }
        inFlight.future().cancel(true);
        metrics.record(RecordOutcome.ABANDONED);
        inFlight = null;
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      onPartitionsRevoked(partitions);
    }
  }
}
