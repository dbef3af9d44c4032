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
 */
public record ExportInputs(ApiVersion platformApi, Path layers, Path app, Path launcher, Path projectMetadata,
    Path run, List<ImageRef> targets, int uid, int gid) {
  public ExportInputs {
    Objects.requireNonNull(platformApi, "platformApi");
    targets = List.copyOf(targets);
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("an export needs at least one target");
    }
  }
}
