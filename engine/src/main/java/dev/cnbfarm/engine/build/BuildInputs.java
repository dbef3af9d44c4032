package dev.cnbfarm.engine.build;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the builder phase is given (platform.md "builder" inputs), resolved: absolute paths, the
 * Platform API and the process env passed on to {@code /bin/build}. group.toml, plan.toml and
 * analyzed.toml are the {@link dev.cnbfarm.engine.PlatformFiles} port's. Immutable.
 */
public record BuildInputs(ApiVersion platformApi, Path app, Path buildpacks, Path extensions, Path layers,
    Path platform, Path buildConfig, Map<String, String> env) {
  public BuildInputs {
    env = Map.copyOf(env);
  }
}
