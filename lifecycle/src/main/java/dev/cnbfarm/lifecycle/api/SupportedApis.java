package dev.cnbfarm.lifecycle.api;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.util.List;

/**
 * The Platform and Buildpack API versions this lifecycle implements (spec/decisions.md, last
 * paragraph). An unsupported version is refused with exit 11 (platform) or 12 (module).
 * Immutable.
 */
public final class SupportedApis {
  /**
   * Platform APIs, oldest first. 0.14 only adds restorer behaviour, which detect ignores; 0.15 adds
   * system buildpacks ({@code -system}) and execution environments ({@code CNB_EXEC_ENV}).
   */
  public static final List<ApiVersion> PLATFORM =
      List.of(ApiVersion.of(0, 10), ApiVersion.of(0, 11), ApiVersion.of(0, 12), ApiVersion.of(0, 13),
          ApiVersion.of(0, 14), ApiVersion.of(0, 15));

  /**
   * Buildpack APIs (which also version extensions), oldest first: the reference lifecycle's list
   * (api/apis.go), none of them deprecated, for buildpacks and extensions alike.
   */
  public static final List<ApiVersion> BUILDPACK =
      List.of(ApiVersion.of(0, 7), ApiVersion.of(0, 8), ApiVersion.of(0, 9), ApiVersion.of(0, 10),
          ApiVersion.of(0, 11), ApiVersion.of(0, 12));

  /**
   * What {@code CNB_PLATFORM_API} means when unset. The reference has no default of its own (its
   * DefaultPlatformAPI is empty and pack always sets the variable), so this stays cnbfarm's
   * earlier choice: raising it would change what existing unpinned builds do (system.toml read,
   * modules skipped by exec-env).
   */
  public static final ApiVersion DEFAULT_PLATFORM = ApiVersion.of(0, 13);

  private SupportedApis() {}

  /** Parses and checks a Platform API version; exit 11 when unsupported or malformed. */
  public static ApiVersion platform(String text) {
    ApiVersion v;
    try {
      v = ApiVersion.parse(text);
    } catch (IllegalArgumentException e) {
      throw new LifecycleException(FailureCode.INCOMPATIBLE_PLATFORM_API,
          "platform API version '" + text + "' is invalid; supported: " + PLATFORM);
    }
    if (!PLATFORM.contains(v)) {
      throw new LifecycleException(FailureCode.INCOMPATIBLE_PLATFORM_API,
          "platform API version '" + v + "' is incompatible with the lifecycle; supported: " + PLATFORM);
    }
    return v;
  }

  /** Parses and checks a module's Buildpack API version; exit 12 when unsupported. */
  public static ApiVersion buildpack(String text, String module) {
    ApiVersion v;
    try {
      v = ApiVersion.parse(text);
    } catch (IllegalArgumentException e) {
      throw new LifecycleException(FailureCode.INCOMPATIBLE_BUILDPACK_API,
          module + ": buildpack API version '" + text + "' is invalid; supported: " + BUILDPACK);
    }
    if (!BUILDPACK.contains(v)) {
      throw new LifecycleException(FailureCode.INCOMPATIBLE_BUILDPACK_API,
          module + ": buildpack API version '" + v + "' is incompatible with the lifecycle; supported: "
              + BUILDPACK);
    }
    return v;
  }
}
