package dev.cnbfarm.image.export;

import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What publishing a build reads: the local build output and where its blobs go. Immutable.
 *
 * @param layersDir {@code <layers>}: buildpack layer dirs and {@code config/metadata.toml}
 * @param appDir {@code <app>}, exported as {@code /workspace}
 * @param launcherFile the builder's launcher; when it is not a file, {@link ShellLauncher}
 * @param projectMetadata {@code project-metadata.toml} (may be absent)
 * @param buildpacks the group's buildpacks, in order
 * @param launcher the version and source of {@code launcherFile} for the build metadata label
 * @param repository the target repository (any reference to it)
 * @param uid owner of the app and buildpack layer files
 * @param gid group of the app and buildpack layer files
 * @param previous the previous app image, whose layers a launch layer left as {@code <layer>.toml} reuses
 */
public record PublishRequest(Path layersDir, Path appDir, Path launcherFile, Path projectMetadata,
    List<GroupEntry> buildpacks, BuildMetadataLabel.Launcher launcher, ImageRef repository, int uid, int gid,
    PreviousImage previous) {
  public PublishRequest {
    Objects.requireNonNull(layersDir, "layersDir");
    Objects.requireNonNull(appDir, "appDir");
    Objects.requireNonNull(launcherFile, "launcherFile");
    Objects.requireNonNull(projectMetadata, "projectMetadata");
    buildpacks = List.copyOf(buildpacks);
    Objects.requireNonNull(launcher, "launcher");
    Objects.requireNonNull(repository, "repository");
    if (uid < 0 || gid < 0) {
      throw new IllegalArgumentException("uid and gid must not be negative: " + uid + ":" + gid);
    }
    Objects.requireNonNull(previous, "previous");
  }

  /** Without a previous image. */
  public PublishRequest(Path layersDir, Path appDir, Path launcherFile, Path projectMetadata,
      List<GroupEntry> buildpacks, BuildMetadataLabel.Launcher launcher, ImageRef repository, int uid, int gid) {
    this(layersDir, appDir, launcherFile, projectMetadata, buildpacks, launcher, repository, uid, gid,
        PreviousImage.NONE);
  }

  /** This request with {@code image} as the previous image. */
  public PublishRequest withPrevious(PreviousImage image) {
    return new PublishRequest(layersDir, appDir, launcherFile, projectMetadata, buildpacks, launcher, repository, uid,
        gid, image);
  }

  /** The build side of an export request: its first target is the repository. */
  public static PublishRequest of(ExportRequest req) {
    return new PublishRequest(req.layersDir(), req.appDir(), req.launcherFile(), req.projectMetadata(),
        req.group().buildpacks(), req.launcher(), req.targets().get(0), req.uid(), req.gid());
  }
}
