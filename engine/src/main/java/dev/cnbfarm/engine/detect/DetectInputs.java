package dev.cnbfarm.engine.detect;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the detector phase is given (platform.md "detector" inputs), resolved: absolute paths, the
 * Platform API, {@code CNB_EXPERIMENTAL_MODE} (empty when unset) and the process env passed on to
 * {@code /bin/detect} and {@code /bin/generate}. The platform files are the {@link
 * dev.cnbfarm.engine.PlatformFiles} port's. Immutable.
 */
public record DetectInputs(ApiVersion platformApi, Path app, Path buildpacks, Path extensions, Path order,
    Path platform, Path buildConfig, Path runToml, String experimentalMode, Map<String, String> env) {
  public DetectInputs {
    env = Map.copyOf(env);
  }
}
