package dev.cnbfarm.engine.export;

import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What the exporter phase is given (platform.md "exporter" inputs), resolved: absolute paths, the
 * app image and its extra tags, the CNB user and the Platform API. group.toml, analyzed.toml,
 * {@code <extended>} and report.toml are the {@link dev.cnbfarm.engine.PlatformFiles} port's.
 * Immutable.
 *
 * @param targets the app image first, then its extra tags; never empty
 * @param execEnv the execution environment labelled on the image ({@code CNB_EXEC_ENV} at Platform
 *     API 0.15, default {@code production}), empty below 0.15
 */
public record ExportInputs(ApiVersion platformApi, Path layers, Path app, Path launcher, Path projectMetadata,
    Path run, List<ImageRef> targets, int uid, int gid, String execEnv) {
  public ExportInputs {
    Objects.requireNonNull(platformApi, "platformApi");
    Objects.requireNonNull(execEnv, "execEnv");
    targets = List.copyOf(targets);
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("an export needs at least one target");
    }
  }
}
