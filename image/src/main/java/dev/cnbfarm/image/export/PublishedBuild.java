package dev.cnbfarm.image.export;

import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link BuildPublisher} left in the target repository and read from {@code <layers>}: the
 * descriptors of the build's layers and the metadata the labels need. With it, assembling and
 * pushing the app image reads nothing of {@code <layers>} or {@code <app>}. Immutable.
 *
 * @param repository the repository holding every layer blob (any reference to it)
 * @param buildpackLayers the launch layers, buildpacks in group order, layers by name
 * @param buildpacks the lifecycle label's per-buildpack layer metadata (diffIDs, layer toml data)
 * @param app the {@code /workspace} layer
 * @param launcher the {@code /cnb/lifecycle/launcher} layer
 * @param config the {@code /layers/config} layer (metadata.toml and the process table)
 * @param buildMetadata the build metadata label, from metadata.toml and the launcher
 * @param projectMetadata the project metadata label's JSON
 */
public record PublishedBuild(ImageRef repository, List<PublishedLayer> buildpackLayers,
    List<LifecycleMetadata.BuildpackLayers> buildpacks, PublishedLayer app, PublishedLayer launcher,
    PublishedLayer config, BuildMetadataLabel buildMetadata, String projectMetadata) {
  public PublishedBuild {
    Objects.requireNonNull(repository, "repository");
    buildpackLayers = List.copyOf(buildpackLayers);
    buildpacks = List.copyOf(buildpacks);
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(launcher, "launcher");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(buildMetadata, "buildMetadata");
    Objects.requireNonNull(projectMetadata, "projectMetadata");
  }

  /** Every layer in image order: launch layers, app, launcher, config. */
  public List<PublishedLayer> layers() {
    List<PublishedLayer> all = new ArrayList<>(buildpackLayers);
    all.add(app);
    all.add(launcher);
    all.add(config);
    return List.copyOf(all);
  }
}
