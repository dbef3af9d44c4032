package dev.cnbfarm.image.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How {@link RegistryImageStore} talks to registries. Plain HTTP is used only for loopback hosts
 * and for the hosts in {@code insecureRegistries}. Immutable.
 *
 * @param insecureRegistries {@code host[:port]}s allowed over plain HTTP or unverified TLS
 * @param maxAttempts attempts per registry call, at least 1, for 5xx and I/O failures
 * @param initialBackoff wait before the second attempt; doubles for each further one
 * @param dockerConfig the docker {@code config.json} holding auths and credential helpers
 */
public record RegistrySettings(Set<String> insecureRegistries, int maxAttempts, Duration initialBackoff, Path dockerConfig) {
  public RegistrySettings {
    insecureRegistries = Set.copyOf(insecureRegistries);
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    if (initialBackoff.isNegative()) {
      throw new IllegalArgumentException("negative backoff " + initialBackoff);
    }
    Objects.requireNonNull(dockerConfig, "dockerConfig");
  }

  /** 4 attempts from 250 ms, no insecure hosts, {@code $DOCKER_CONFIG} or {@code ~/.docker}. */
  public static RegistrySettings defaults() {
    String dockerConfigDir = System.getenv("DOCKER_CONFIG");
    Path dir = dockerConfigDir != null ? Path.of(dockerConfigDir) : Path.of(System.getProperty("user.home"), ".docker");
    return new RegistrySettings(Set.of(), 4, Duration.ofMillis(250), dir.resolve("config.json"));
  }

  public RegistrySettings withInsecureRegistries(Set<String> hosts) {
    return new RegistrySettings(hosts, maxAttempts, initialBackoff, dockerConfig);
  }

  public RegistrySettings withRetries(int attempts, Duration backoff) {
    return new RegistrySettings(insecureRegistries, attempts, backoff, dockerConfig);
  }
}
