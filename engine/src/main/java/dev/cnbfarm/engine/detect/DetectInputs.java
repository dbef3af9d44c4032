package dev.cnbfarm.engine.detect;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the detector phase is given (platform.md "detector" inputs), resolved: absolute paths, the
 * Platform API, {@code CNB_EXPERIMENTAL_MODE} (empty when unset) and the process env passed on to
 * {@code /bin/detect} and {@code /bin/generate} (its {@code CNB_EXEC_ENV} is the execution
 * environment), and {@code system.toml} (read from Platform API 0.15; absent = no system
 * buildpacks). The platform files are the {@link dev.cnbfarm.engine.PlatformFiles} port's. Immutable.
 */
public record DetectInputs(ApiVersion platformApi, Path app, Path buildpacks, Path extensions, Path order,
    Path platform, Path buildConfig, Path runToml, String experimentalMode, Map<String, String> env,
    Path system) {
  /** {@code system.toml} where the reference looks by default. */
  public static final Path DEFAULT_SYSTEM = Path.of("/cnb/system.toml");

  public DetectInputs {
    env = Map.copyOf(env);
  }

  /** Inputs with the default {@code /cnb/system.toml}. */
  public DetectInputs(ApiVersion platformApi, Path app, Path buildpacks, Path extensions, Path order,
      Path platform, Path buildConfig, Path runToml, String experimentalMode, Map<String, String> env) {
    this(platformApi, app, buildpacks, extensions, order, platform, buildConfig, runToml, experimentalMode, env,
        DEFAULT_SYSTEM);
  }
}
