package dev.cnbfarm.runtime.join;

import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.Failures;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.Topics;
import dev.cnbfarm.runtime.codec.EventCodec;
import dev.cnbfarm.runtime.failure.FailureEvents;
import dev.cnbfarm.runtime.failure.RetryPolicy;
import dev.cnbfarm.runtime.handler.HandlerResult;
import dev.cnbfarm.runtime.handler.JoinHandler;
import dev.cnbfarm.schemas.BuildFailed;
import dev.cnbfarm.schemas.BuildLog;
import java.time.Clock;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the join handler on a joined pair and forwards what it produced: its log lines, then its
 * outputs, or a {@code BuildFailed} event when it failed for good. Retryable failures are retried
 * here, in the stream thread, under the {@link RetryPolicy} (export is metadata-only and short).
 * A store of the highest attempt handled per build makes the join fire once per attempt, even
 * when a side is redelivered. One instance per task.
 */
final class HandleProcessor<L extends SpecificRecord, R extends SpecificRecord>
    implements Processor<byte[], JoinedPair<L, R>, String, Routed> {
  static final String HANDLED_STORE = "handled";
  private static final Logger log = LoggerFactory.getLogger(HandleProcessor.class);

  private final JoinHandler<L, R> handler;
  private final Topics topics;
  private final String instance;
  private final RetryPolicy retry;
  private final Clock clock;
  private final EventCodec codec;
  private final JoinMetrics metrics;
  private ProcessorContext<String, Routed> context;
  private KeyValueStore<String, Integer> handled;

  HandleProcessor(JoinHandler<L, R> handler, Topics topics, String instance, RetryPolicy retry, Clock clock,
      EventCodec codec, JoinMetrics metrics) {
    this.metrics = metrics;
    this.handler = handler;
    this.topics = topics;
    this.instance = instance;
    this.retry = retry;
    this.clock = clock;
    this.codec = codec;
  }

  @Override
  public void init(ProcessorContext<String, Routed> context) {
    this.context = context;
    this.handled = context.getStateStore(HANDLED_STORE);
  }

  @Override
  public void process(Record<byte[], JoinedPair<L, R>> record) {
    JoinedPair<L, R> pair = record.value();
    FailureEvents.Envelope envelope = FailureEvents.Envelope.of(pair.left()).orElseThrow();
    String buildId = envelope.buildId();
    Integer done = handled.get(buildId);
    if (done != null && done >= pair.attempt()) {
      log.debug("build {} attempt {} already handled", buildId, pair.attempt());
      return;
    }
    BufferedLogContext ctx = new BufferedLogContext(instance, clock, buildId, pair.attempt(), handler.phase());
    long start = System.nanoTime();
    Outcome outcome = handleWithRetries(pair, envelope, ctx, start);
    for (BuildLog line : ctx.drain()) {
      send(Topic.LOGS, buildId, line);
    }
    if (outcome.result() != null) {
      for (HandlerResult.Output output : outcome.result().outputs()) {
        send(output.topic(), output.key(), output.value());
      }
    } else {
      send(Topic.FAILED, buildId, outcome.failed());
    }
    handled.put(buildId, pair.attempt());
    metrics.handled(Duration.ofNanos(System.nanoTime() - start), outcome.result() == null);
    log.info("{} build {} attempt {}: {} in {} ms", handler.phase(), buildId, pair.attempt(),
        outcome.result() != null ? "done" : "failed (" + outcome.failed().getCode() + ")",
        Duration.ofNanos(System.nanoTime() - start).toMillis());
  }

  private record Outcome(HandlerResult result, BuildFailed failed) {}

  private Outcome handleWithRetries(JoinedPair<L, R> pair, FailureEvents.Envelope envelope, BufferedLogContext ctx,
      long start) {
    for (int tryNo = 1; ; tryNo++) {
      try {
        return new Outcome(handler.handle(pair.left(), pair.right(), ctx), null);
      } catch (RuntimeException e) {
        LifecycleException known = Failures.classify(e, FailureCode.EXPORT_ERROR);
        if (known.category() == Category.CANCELLED) {
          Thread.currentThread().interrupt();
          throw new StreamsException("interrupted while " + handler.phase() + " handled build "
              + envelope.buildId(), e);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (known.category().retryable() && retry.mayRetry(tryNo, elapsed)) {
          Duration backoff = retry.backoff(tryNo);
          metrics.retry(known.code().name());
          log.warn("{} build {} try {} failed, retrying in {} ms: {}", handler.phase(), envelope.buildId(), tryNo,
              backoff.toMillis(), known.getMessage());
          sleep(backoff);
          continue;
        }
        return new Outcome(null, FailureEvents.of(envelope, handler.phase(), e, FailureCode.EXPORT_ERROR,
            ctx.excerpt(), tryNo - 1, instance, clock));
      }
    }
  }

  private static void sleep(Duration backoff) {
    try {
      Thread.sleep(backoff.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StreamsException("interrupted during a retry backoff", e);
    }
  }

  private void send(Topic topic, String key, SpecificRecord value) {
    context.forward(new Record<>(key, new Routed(topics.name(topic), codec.encode(value)), clock.millis()));
    if (topic != Topic.LOGS) {
      metrics.produced(topics.name(topic));
    }
  }
}
