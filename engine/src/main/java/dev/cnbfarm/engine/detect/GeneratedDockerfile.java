package dev.cnbfarm.engine.detect;

import dev.cnbfarm.lifecycle.extend.ExtendKind;
import dev.cnbfarm.lifecycle.platform.ExtendConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * One Dockerfile generate left for the extender (extensions.md §6.3): whose it is, its kind, its
 * text, the extension's build args for that kind and its build context. Immutable.
 */
public record GeneratedDockerfile(String extensionId, ExtendKind kind, String text, List<ExtendConfig.BuildArg> args,
    Path context) {
  public GeneratedDockerfile {
    args = List.copyOf(args);
  }
}
