package dev.cnbfarm.engine.extend;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.extend.ExtendKind;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the extender phase is given (platform.md "extender" inputs), resolved: the kind, absolute
 * paths, the Platform API, {@code CNB_EXPERIMENTAL_MODE} (empty when unset), and the inputs whose
 * default comes from an image or a file: {@code -build-image} (else analyzed.toml's), {@code
 * -uid}/{@code -gid} (else the build image's {@code CNB_USER_ID}/{@code CNB_GROUP_ID}, else its
 * user). The platform files are the {@link dev.cnbfarm.engine.PlatformFiles} port's. Immutable.
 */
public record ExtendInputs(ApiVersion platformApi, ExtendKind kind, Path app, Path layers, Path platform,
    Path buildpacks, Path extensions, Path buildConfig, Optional<String> buildImage, OptionalInt uid, OptionalInt gid,
    String experimentalMode) {}
