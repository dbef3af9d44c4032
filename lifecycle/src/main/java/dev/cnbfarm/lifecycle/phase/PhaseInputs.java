package dev.cnbfarm.lifecycle.phase;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves a phase's inputs the way the reference lifecycle does: a flag wins over its
 * {@code CNB_*} env var, which wins over the spec default; {@code <layers>}-relative defaults are
 * resolved after {@code -layers}. The flags themselves are declared in {@link PhaseFlag}; this is
 * the raw bag the commands parse. Immutable.
 */
public final class PhaseInputs {
  private final Map<String, String> flags;
  private final Map<String, String> env;
  private final ApiVersion platformApi;

  public PhaseInputs(Map<String, String> flags, Map<String, String> env, ApiVersion platformApi) {
    this.flags = Map.copyOf(flags);
    this.env = Map.copyOf(env);
    this.platformApi = platformApi;
  }

  public ApiVersion platformApi() {
    return platformApi;
  }

  /** Refuses a flag the Platform API does not define yet (the reference answers "flag provided but not defined"). */
  public void requireApi(String flag, String since) {
    if (flags.containsKey(flag) && platformApi.lessThan(since)) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "flag -" + flag + " needs Platform API " + since
          + " or newer (CNB_PLATFORM_API is " + platformApi + ")");
    }
  }

  public String value(String flag, String envVar, String fallback) {
    return Optional.ofNullable(flags.get(flag)).or(() -> Optional.ofNullable(env.get(envVar)))
        .filter(s -> !s.isEmpty()).orElse(fallback);
  }

  public Path path(String flag, String envVar, String fallback) {
    return Path.of(value(flag, envVar, fallback)).toAbsolutePath().normalize();
  }

  public Path layers() {
    return PhaseFlag.LAYERS.path(this);
  }

  /** A file under {@code <layers>} by default. */
  public Path layersPath(String flag, String envVar, String name) {
    return path(flag, envVar, layers().resolve(name).toString());
  }

  public String env(String name, String fallback) {
    return env.getOrDefault(name, fallback);
  }

  public Map<String, String> environment() {
    return env;
  }
}
