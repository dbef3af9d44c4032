package dev.cnbfarm.engine.analyze;

import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the analyzer phase is given (platform.md "analyzer" inputs), resolved by the phase command.
 * Immutable.
 *
 * @param layers {@code <layers>}: the launch SBOMs of the previous image are restored under it
 * @param run run.toml, for the run image when {@code runImage} is empty
 * @param output the app image to be exported
 * @param tags its extra tags ({@code -tag}): only checked to be in the output's registry
 * @param previousImage {@code -previous-image}; empty means the output image, as the reference
 * @param runImage {@code -run-image}; empty means run.toml's first image (or its mirror in the output's registry)
 * @param cacheImage {@code -cache-image}: checked to be readable when it exists; the restorer reads it
 * @param skipLayers {@code -skip-layers}: do not restore the previous image's SBOM layer
 * @param uid owner of restored files, when given
 * @param gid group of restored files, when given
 */
public record AnalyzeInputs(ApiVersion platformApi, Path layers, Path run, ImageRef output, List<ImageRef> tags,
    Optional<ImageRef> previousImage, Optional<String> runImage, Optional<ImageRef> cacheImage, boolean skipLayers,
    OptionalInt uid, OptionalInt gid) {
  public AnalyzeInputs {
    Objects.requireNonNull(platformApi, "platformApi");
    Objects.requireNonNull(layers, "layers");
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(output, "output");
    tags = List.copyOf(tags);
    Objects.requireNonNull(previousImage, "previousImage");
    Objects.requireNonNull(runImage, "runImage");
    Objects.requireNonNull(cacheImage, "cacheImage");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(gid, "gid");
  }
}
