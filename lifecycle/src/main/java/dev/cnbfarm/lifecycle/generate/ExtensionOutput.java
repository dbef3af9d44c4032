package dev.cnbfarm.lifecycle.generate;

import dev.cnbfarm.lifecycle.dockerfile.DockerfileCheck;
import dev.cnbfarm.lifecycle.platform.ExtendConfig;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What one extension's generate produced, validated: its Dockerfiles (absent = not written), their
 * checks, its extend-config, and its context dirs. Paths point into the output directory.
 * Immutable.
 */
public record ExtensionOutput(
    String extensionId,
    Path outputDir,
    Optional<Path> buildDockerfile,
    Optional<Path> runDockerfile,
    Optional<DockerfileCheck> runCheck,
    ExtendConfig config) {

  public boolean hasBuild() {
    return buildDockerfile.isPresent();
  }

  public boolean hasRun() {
    return runDockerfile.isPresent();
  }
}
