package dev.cnbfarm.image.dockerfile;

import java.nio.file.Path;
import java.util.Map;

/**
 * One Dockerfile to apply on top of {@code base}: the file, its build args (as the lifecycle's
 * BuildArgs gives them: build_id, user_id, group_id, extension args, base_image), its build
 * context, and the extension it belongs to (for history and errors). Immutable.
 */
public record ApplyRequest(ImageState base, Path dockerfile, Map<String, String> buildArgs, Path context,
    String extensionId) {
  public ApplyRequest {
    buildArgs = Map.copyOf(buildArgs);
  }
}
