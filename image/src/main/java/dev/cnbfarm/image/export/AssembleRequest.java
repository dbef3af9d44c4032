package dev.cnbfarm.image.export;

import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the app image's config and manifest are made of, already read: no path in it is
 * opened by {@link AppImageAssembler}. Immutable.
 *
 * @param runImage the run image as read from the store (its manifest, config and reference)
 * @param extended the run-kind extend's output when the run image was extended (its sparse layout
 *     or its pushed blobs); it must sit on {@code runImage}
 * @param build the published build
 * @param analyzed analyzed.toml, for the run image name in the label
 * @param group group.toml, for whether extensions were used
 * @param run run.toml, for the run image's name and mirrors in the label
 * @param platformApi the Platform API, written to {@code CNB_PLATFORM_API}
 * @param created the config's {@code created} and the new history entries' time
 * @param execEnv the value of the {@code io.buildpacks.exec-env} label (Platform API 0.15), or
 *     empty for no label
 */
public record AssembleRequest(Image runImage, Optional<ExtendedRunImage> extended, PublishedBuild build, Analyzed analyzed,
    Group group, RunMetadata run, String platformApi, String created, String execEnv) {
  public AssembleRequest {
    Objects.requireNonNull(runImage, "runImage");
    Objects.requireNonNull(extended, "extended");
    Objects.requireNonNull(build, "build");
    Objects.requireNonNull(analyzed, "analyzed");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(platformApi, "platformApi");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(execEnv, "execEnv");
  }

  /** A request without an execution environment label. */
  public AssembleRequest(Image runImage, Optional<ExtendedRunImage> extended, PublishedBuild build, Analyzed analyzed,
      Group group, RunMetadata run, String platformApi, String created) {
    this(runImage, extended, build, analyzed, group, run, platformApi, created, "");
  }
}
