package dev.cnbfarm.image.store;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How {@link RegistryImageStore} talks to registries. Plain HTTP is used only for loopback hosts
 * and for the hosts in {@code insecureRegistries}. Immutable.
 *
 * @param insecureRegistries {@code host[:port]}s allowed over plain HTTP or unverified TLS
 * @param maxAttempts attempts per registry operation, at least 1, for 5xx and I/O failures; the
 *     HTTP client below makes no retries of its own
 * @param initialBackoff wait before the second attempt; doubles for each further one
 * @param dockerConfig the docker {@code config.json} holding auths and credential helpers
 * @param connectTimeout bound on opening a connection (TCP and TLS handshake)
 * @param readTimeout bound on waiting for the next bytes of a response
 * @param operationTimeout the one deadline of an operation (a manifest read, a blob pull or push),
 *     all attempts and requests included; also bounds a write to a registry that stopped reading
 */
public record RegistrySettings(Set<String> insecureRegistries, int maxAttempts, Duration initialBackoff,
    Path dockerConfig, Duration connectTimeout, Duration readTimeout, Duration operationTimeout) {
  public static final String ENV_ATTEMPTS = "CNBFARM_REGISTRY_ATTEMPTS";
  public static final String ENV_CONNECT_TIMEOUT = "CNBFARM_REGISTRY_CONNECT_TIMEOUT";
  public static final String ENV_READ_TIMEOUT = "CNBFARM_REGISTRY_READ_TIMEOUT";
  public static final String ENV_TIMEOUT = "CNBFARM_REGISTRY_TIMEOUT";

  private static final Pattern SHORT_DURATION = Pattern.compile("([0-9]+)(ms|s|m|h)");

  public RegistrySettings {
    insecureRegistries = Set.copyOf(insecureRegistries);
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    if (initialBackoff.isNegative()) {
      throw new IllegalArgumentException("negative backoff " + initialBackoff);
    }
    Objects.requireNonNull(dockerConfig, "dockerConfig");
    positive("connectTimeout", connectTimeout);
    positive("readTimeout", readTimeout);
    positive("operationTimeout", operationTimeout);
  }

  /**
   * 4 attempts from 250 ms, connect 10 s, read 30 s, 15 min per operation, no insecure hosts,
   * {@code $DOCKER_CONFIG} or {@code ~/.docker}.
   */
  public static RegistrySettings defaults() {
    String dockerConfigDir = System.getenv("DOCKER_CONFIG");
    Path dir = dockerConfigDir != null ? Path.of(dockerConfigDir) : Path.of(System.getProperty("user.home"), ".docker");
    return new RegistrySettings(Set.of(), 4, Duration.ofMillis(250), dir.resolve("config.json"),
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(15));
  }

  /**
   * The defaults overridden by the {@code CNBFARM_REGISTRY_*} variables in {@code env}
   * (durations as {@code 500ms}, {@code 30s}, {@code 15m}, {@code 1h} or ISO-8601 {@code PT30S}).
   *
   * @throws IllegalArgumentException listing every bad variable at once
   */
  public static RegistrySettings fromEnvironment(Map<String, String> env) {
    RegistrySettings d = defaults();
    List<String> bad = new ArrayList<>();
    int attempts = d.maxAttempts;
    String a = env.get(ENV_ATTEMPTS);
    if (a != null) {
      try {
        attempts = Integer.parseInt(a.trim());
      } catch (NumberFormatException e) {
        attempts = 0;
      }
      if (attempts < 1) {
        bad.add(ENV_ATTEMPTS + "=" + a + " is not a whole number of at least 1");
        attempts = d.maxAttempts;
      }
    }
    Duration connect = duration(env, ENV_CONNECT_TIMEOUT, d.connectTimeout, bad);
    Duration read = duration(env, ENV_READ_TIMEOUT, d.readTimeout, bad);
    Duration operation = duration(env, ENV_TIMEOUT, d.operationTimeout, bad);
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException("bad registry settings: " + String.join("; ", bad));
    }
    return new RegistrySettings(d.insecureRegistries, attempts, d.initialBackoff, d.dockerConfig, connect, read,
        operation);
  }

  public RegistrySettings withInsecureRegistries(Set<String> hosts) {
    return new RegistrySettings(hosts, maxAttempts, initialBackoff, dockerConfig, connectTimeout, readTimeout,
        operationTimeout);
  }

  public RegistrySettings withRetries(int attempts, Duration backoff) {
    return new RegistrySettings(insecureRegistries, attempts, backoff, dockerConfig, connectTimeout, readTimeout,
        operationTimeout);
  }

  public RegistrySettings withTimeouts(Duration connect, Duration read, Duration operation) {
    return new RegistrySettings(insecureRegistries, maxAttempts, initialBackoff, dockerConfig, connect, read,
        operation);
  }

  public RegistrySettings withDockerConfig(Path file) {
    return new RegistrySettings(insecureRegistries, maxAttempts, initialBackoff, file, connectTimeout, readTimeout,
        operationTimeout);
  }

  private static Duration duration(Map<String, String> env, String name, Duration fallback, List<String> bad) {
    String text = env.get(name);
    if (text == null) {
      return fallback;
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    Matcher m = SHORT_DURATION.matcher(t);
    Duration parsed = null;
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        parsed = switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        };
      } else {
        parsed = Duration.parse(text.trim());
      }
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      parsed = null;
    }
    if (parsed == null || parsed.isNegative() || parsed.isZero()) {
      bad.add(name + "=" + text + " is not a positive duration such as 30s, 500ms or 15m");
      return fallback;
    }
    return parsed;
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }
}
