package dev.cnbfarm.lifecycle.extend;

import dev.cnbfarm.lifecycle.platform.ExtendConfig.BuildArg;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The build args of one Dockerfile (extensions.md §4.3): {@code build_id} (a fresh UUID per
 * Dockerfile), {@code user_id} and {@code group_id} of the image being extended, then the
 * extension's args, then {@code base_image} — later entries win, so the lifecycle's
 * {@code base_image} always does. Stateless.
 */
public final class BuildArgs {
  private BuildArgs() {}

  public static Map<String, String> of(String buildId, ImageUser user, List<BuildArg> extensionArgs, String baseImage) {
    List<BuildArg> all = new ArrayList<>();
    all.add(new BuildArg("build_id", buildId));
    all.add(new BuildArg("user_id", Integer.toString(user.uid())));
    all.add(new BuildArg("group_id", Integer.toString(user.gid())));
    all.addAll(extensionArgs);
    all.add(new BuildArg("base_image", baseImage));
    Map<String, String> out = new LinkedHashMap<>();
    all.forEach(a -> out.put(a.name(), a.value()));
    return out;
  }
}
