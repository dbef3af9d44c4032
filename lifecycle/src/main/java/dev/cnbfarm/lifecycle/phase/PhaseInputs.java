package dev.cnbfarm.lifecycle.phase;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.util.Map;
import java.util.Optional;

/**
 * The raw flags and env of a phase command, as the commands parse them: a flag wins over its
 * {@code CNB_*} env var, which wins over the default. The inputs themselves, with their defaults
 * ({@code <layers>}-relative ones included), are declared and resolved by {@link PhaseFlag}.
 * Immutable.
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

  public String env(String name, String fallback) {
    return env.getOrDefault(name, fallback);
  }

  public Map<String, String> environment() {
    return env;
  }
}
