package dev.cnbfarm.runtime.settings;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.runtime.failure.RetryPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What every worker process reads at start (style.md §6): the Kafka part, the instance name, the
 * retry policy, the bound of one handler run, the shutdown grace and the metrics address and port. Read only
 * in a worker's {@code Main}, with {@link #fromEnv}, which fails once listing every bad key.
 * Immutable.
 */
public record WorkerSettings(KafkaSettings kafka, String instance, RetryPolicy retry, Duration handlerTimeout,
    Duration shutdownGrace, InetAddress metricsAddress, int metricsPort) {
  public static final Setting<String> INSTANCE = Setting.computed("CNBFARM_INSTANCE", "<hostname>-<pid>",
      WorkerSettings::hostAndPid, "this worker instance's name: the events' producer, the DLQ's x-cnbfarm.worker, "
          + "the Kafka client ids", Parsers::name);
  public static final Setting<Integer> RETRY_ATTEMPTS = Setting.of("CNBFARM_RETRY_ATTEMPTS", "5",
      "tries of a handler whose failure is retryable (INFRA), the first included", Parsers.integer(1, 100));
  public static final Setting<Duration> RETRY_BACKOFF = Setting.of("CNBFARM_RETRY_BACKOFF", "500ms",
      "wait before the first retry; doubled for each next one", Parsers::duration);
  public static final Setting<Duration> RETRY_MAX_BACKOFF = Setting.of("CNBFARM_RETRY_MAX_BACKOFF", "10s",
      "longest wait between two tries", Parsers::duration);
  public static final Setting<Duration> RETRY_DEADLINE = Setting.of("CNBFARM_RETRY_DEADLINE", "2m",
      "no retry starts later than this after the first try", Parsers::duration);
  public static final Setting<Duration> HANDLER_TIMEOUT = Setting.of("CNBFARM_HANDLER_TIMEOUT", "1h",
      "the bound of one handler run; a longer one is interrupted and counts as a retryable failure",
      Parsers::positiveDuration);
  public static final Setting<Duration> SHUTDOWN_GRACE = Setting.of("CNBFARM_SHUTDOWN_GRACE", "30s",
      "on shutdown, how long a running handler may still finish and have its outputs committed",
      Parsers::duration);
  public static final Setting<Integer> METRICS_PORT = Setting.of("CNBFARM_METRICS_PORT", "-1",
      "port of /metrics, /healthz and /readyz (on CNBFARM_METRICS_ADDRESS); -1 off, 0 any free port",
      Parsers.integer(-1, 65535));
  public static final Setting<InetAddress> METRICS_ADDRESS = Setting.of("CNBFARM_METRICS_ADDRESS", "127.0.0.1",
      "IP address /metrics, /healthz and /readyz listen on: 127.0.0.1 this host only, 0.0.0.0 every interface "
          + "(a Kubernetes pod, whose probes come to the pod's IP)", Parsers::address);

  public static final Setting<String> LOG_FORMAT = Setting.of("CNBFARM_LOG_FORMAT", "text",
      "the worker's log lines: text, or json (one JSON object per line with the build id and record)",
      WorkerSettings::logFormat);

  public WorkerSettings {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(handlerTimeout, "handlerTimeout");
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    Objects.requireNonNull(metricsAddress, "metricsAddress");
  }

  /** Every declared key, Kafka's first, in table order (the README's config table lists them all). */
  public static List<Setting<?>> settings() {
    List<Setting<?>> all = new ArrayList<>(KafkaSettings.settings());
    all.addAll(List.of(INSTANCE, RETRY_ATTEMPTS, RETRY_BACKOFF, RETRY_MAX_BACKOFF, RETRY_DEADLINE, HANDLER_TIMEOUT,
        SHUTDOWN_GRACE, METRICS_PORT, METRICS_ADDRESS, LOG_FORMAT));
    return List.copyOf(all);
  }

  /**
   * The settings in {@code env} (a process's {@code System.getenv()}), defaults for the keys not
   * set.
   *
   * @throws LifecycleException {@link FailureCode#INVALID_ARGS}, one message naming every bad key
   */
  public static WorkerSettings fromEnv(Map<String, String> env) {
    List<String> errors = new ArrayList<>();
    KafkaSettings kafka = KafkaSettings.read(env, errors);
    String instance = INSTANCE.read(env, errors);
    int attempts = RETRY_ATTEMPTS.read(env, errors);
    Duration backoff = RETRY_BACKOFF.read(env, errors);
    Duration maxBackoff = RETRY_MAX_BACKOFF.read(env, errors);
    Duration deadline = RETRY_DEADLINE.read(env, errors);
    if (maxBackoff.compareTo(backoff) < 0) {
      errors.add(RETRY_MAX_BACKOFF.env() + "=" + env.getOrDefault(RETRY_MAX_BACKOFF.env(),
          RETRY_MAX_BACKOFF.shownDefault()) + ": shorter than " + RETRY_BACKOFF.env());
      maxBackoff = backoff;
    }
    Duration timeout = HANDLER_TIMEOUT.read(env, errors);
    Duration grace = SHUTDOWN_GRACE.read(env, errors);
    int port = METRICS_PORT.read(env, errors);
    InetAddress address = METRICS_ADDRESS.read(env, errors);
    LOG_FORMAT.read(env, errors); // used before any logger exists (the cli's LogFormat); refused here when bad
    if (!errors.isEmpty()) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "invalid settings: " + String.join("; ", errors));
    }
    return new WorkerSettings(kafka, instance, new RetryPolicy(attempts, backoff, maxBackoff, deadline), timeout,
        grace, address, port);
  }

  private static String logFormat(String value) {
    if (!value.equals("text") && !value.equals("json")) {
      throw new IllegalArgumentException("must be text or json");
    }
    return value;
  }

  private static String hostAndPid() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    String name = host.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + ProcessHandle.current().pid();
    return name.length() > 200 ? name.substring(name.length() - 200) : name;
  }
}
