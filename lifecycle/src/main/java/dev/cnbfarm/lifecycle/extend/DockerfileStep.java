package dev.cnbfarm.lifecycle.extend;

import dev.cnbfarm.lifecycle.platform.ExtendConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * One Dockerfile to apply: whose it is, where it is, its build context and the extension's own
 * build args for this kind. Immutable.
 */
public record DockerfileStep(String extensionId, Path dockerfile, Path context, List<ExtendConfig.BuildArg> extensionArgs) {
  public DockerfileStep {
    extensionArgs = List.copyOf(extensionArgs);
  }
}
