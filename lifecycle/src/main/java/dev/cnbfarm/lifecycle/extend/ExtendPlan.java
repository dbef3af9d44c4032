package dev.cnbfarm.lifecycle.extend;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.buildpack.ModuleStore;
import dev.cnbfarm.lifecycle.platform.ExtendConfig;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the Dockerfiles the extender applies (extensions.md §6.3): for each extension of
 * {@code group-extensions}, in order, its Dockerfile of this kind if it has one ({@code .ignore}d
 * ones never count), with its build args and context: {@code context.<kind>}, else
 * {@code context}, else {@code <app>} (contexts exist from Platform API 0.13). Stateless.
 */
public final class ExtendPlan {
  private ExtendPlan() {}

  public static List<DockerfileStep> collect(ApiVersion platformApi, Path generated, Group group, ExtendKind kind,
      Path appDir) {
    List<DockerfileStep> steps = new ArrayList<>();
    boolean perExtension = platformApi.atLeast("0.13");
    for (GroupEntry ext : group.extensions()) {
      String dir = ModuleStore.escape(ext.id());
      Path base = perExtension ? generated.resolve(dir) : generated.resolve(kind.label()).resolve(dir);
      Path dockerfile = base.resolve(perExtension ? kind.label() + ".Dockerfile" : "Dockerfile");
      if (!Files.isRegularFile(dockerfile)) {
        continue;
      }
      ExtendConfig config = ExtendConfig.read(base.resolve("extend-config.toml"));
      Path context = appDir;
      if (perExtension && Files.isDirectory(base.resolve("context." + kind.label()))) {
        context = base.resolve("context." + kind.label());
      } else if (perExtension && Files.isDirectory(base.resolve("context"))) {
        context = base.resolve("context");
      }
      steps.add(new DockerfileStep(ext.id(), dockerfile, context, config.argsFor(kind.label())));
    }
    return steps;
  }
}
