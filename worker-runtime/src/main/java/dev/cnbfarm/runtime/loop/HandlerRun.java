package dev.cnbfarm.runtime.loop;

import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.Failures;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.runtime.failure.RetryPolicy;
import dev.cnbfarm.runtime.handler.HandlerContext;
import dev.cnbfarm.runtime.handler.HandlerResult;
import dev.cnbfarm.runtime.handler.PhaseHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One record's handler run, off the poll thread: each try on a thread of its own, bounded by the
 * handler timeout; retryable failures tried again after the policy's backoff, each retry a WARN
 * line (and a STDERR line of the build log); an interrupt of this run (shutdown, revocation)
 * cancels the running try. Used once.
 *
 * @param <I> the input event's class
 */
final class HandlerRun<I extends SpecificRecord> implements Callable<Outcome> {
  private static final Logger log = LoggerFactory.getLogger(HandlerRun.class);

  private final PhaseHandler<I> handler;
  private final I event;
  private final HandlerContext context;
  private final BuildLogReporter buildLog;
  private final RetryPolicy policy;
  private final Duration timeout;
  private final ExecutorService tries;
  private final LoopMetrics metrics;
  private final Map<String, String> mdc;
  private final Clock clock;

  HandlerRun(PhaseHandler<I> handler, I event, HandlerContext context, BuildLogReporter buildLog,
      RetryPolicy policy, Duration timeout, ExecutorService tries, LoopMetrics metrics, Map<String, String> mdc) {
    this.handler = handler;
    this.event = event;
    this.context = context;
    this.buildLog = buildLog;
    this.policy = policy;
    this.timeout = timeout;
    this.tries = tries;
    this.metrics = metrics;
    this.mdc = mdc;
    this.clock = context.clock();
  }

  /** The code of a failure that brings none, by phase (style.md §5 exit codes). */
  static FailureCode phaseDefault(String phase) {
    if (phase.startsWith("detect")) {
      return FailureCode.DETECT_ERROR;
    }
    if (phase.startsWith("extend")) {
      return FailureCode.EXTEND_ERROR;
    }
    return phase.startsWith("export") ? FailureCode.EXPORT_ERROR : FailureCode.GENERIC;
  }

  @Override
  public Outcome call() {
    try (MdcScope scope = MdcScope.open(mdc)) {
      Instant first = clock.instant();
      for (int attempt = 1; ; attempt++) {
        Throwable failure;
        Future<HandlerResult> run = tries.submit(this::tryOnce);
        try {
          return new Outcome.Succeeded(run.get(timeout.toMillis(), TimeUnit.MILLISECONDS), attempt);
        } catch (ExecutionException e) {
          failure = e.getCause();
        } catch (TimeoutException e) {
          run.cancel(true);
          failure = new TimeoutException("the handler ran longer than " + human(timeout)
              + " (CNBFARM_HANDLER_TIMEOUT)");
        } catch (InterruptedException e) {
          run.cancel(true);
          Thread.currentThread().interrupt();
          return new Outcome.Cancelled("interrupted", false);
        }
        LifecycleException known = Failures.classify(failure, phaseDefault(handler.phase()));
        if (known.category() == Category.CANCELLED) {
          return new Outcome.Cancelled(known.getMessage(), true);
        }
        Duration elapsed = Duration.between(first, clock.instant());
        if (!known.retryable() || !policy.mayRetry(attempt, elapsed)) {
          return new Outcome.Failed(known, failure, attempt);
        }
        Duration wait = policy.backoff(attempt);
        metrics.retry(known.code().name());
        log.warn("{} failed on try {} of {}: {}; retrying in {}", handler.phase(), attempt, policy.maxAttempts(),
            known.getMessage(), human(wait));
        buildLog.warn("retrying " + handler.phase() + " in " + human(wait) + " (try " + attempt + " of "
            + policy.maxAttempts() + " failed: " + known.getMessage() + ")");
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return new Outcome.Cancelled("interrupted", false);
        }
      }
    }
  }

  private HandlerResult tryOnce() {
    try (MdcScope scope = MdcScope.open(mdc)) {
      return handler.handle(event, context);
    }
  }

  static String human(Duration d) {
    long ms = d.toMillis();
    return ms < 1000 ? ms + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
