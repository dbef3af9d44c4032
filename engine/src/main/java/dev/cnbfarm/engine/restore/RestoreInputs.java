package dev.cnbfarm.engine.restore;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the restorer phase is given (platform.md "restorer" inputs), resolved. group.toml and
 * analyzed.toml are the {@link dev.cnbfarm.engine.PlatformFiles} port's; the cache is passed to
 * {@link RestorerPhase#run} opened. Immutable.
 *
 * @param layers {@code <layers>}
 * @param skipLayers {@code -skip-layers}: write no layer metadata and restore no layer
 * @param buildImage {@code -build-image}, pinned into {@code [build-image] reference} (Platform API 0.10+)
 * @param uid owner of what the restorer writes, when given
 * @param gid group of what the restorer writes, when given
 */
public record RestoreInputs(ApiVersion platformApi, Path layers, boolean skipLayers, Optional<String> buildImage,
    OptionalInt uid, OptionalInt gid) {
  public RestoreInputs {
    Objects.requireNonNull(platformApi, "platformApi");
    Objects.requireNonNull(layers, "layers");
    Objects.requireNonNull(buildImage, "buildImage");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(gid, "gid");
  }
}
