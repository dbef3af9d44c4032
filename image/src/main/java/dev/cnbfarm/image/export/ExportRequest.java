package dev.cnbfarm.image.export;

import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What the exporter needs, already read from the platform files (the phase command resolves
 * flags, env vars and defaults). Immutable.
 *
 * @param layersDir {@code <layers>}: buildpack layer dirs and {@code config/metadata.toml}
 * @param appDir {@code <app>}, exported as {@code /workspace}
 * @param launcherFile the builder's launcher, exported as {@code /cnb/lifecycle/launcher}; when it is
 *     not a file, cnbfarm's own {@link ShellLauncher} is exported instead
 * @param projectMetadata {@code project-metadata.toml} (may be absent)
 * @param extendedDir {@code <extended>}, read when the analyzed run image is extended
 * @param analyzed analyzed.toml: the run image reference and whether it was extended
 * @param group group.toml
 * @param run run.toml, for the run image's name and mirrors in the label
 * @param launcher the version and source of {@code launcherFile} for the build metadata label
 * @param targets the image references to write, the first one first; at least one
 * @param uid owner of the app and buildpack layer files
 * @param gid group of the app and buildpack layer files
 * @param platformApi the Platform API, written to {@code CNB_PLATFORM_API}
 * @param execEnv the execution environment for the {@code io.buildpacks.exec-env} label (Platform
 *     API 0.15), or empty for none
 */
public record ExportRequest(Path layersDir, Path appDir, Path launcherFile, Path projectMetadata, Path extendedDir,
    Analyzed analyzed, Group group, RunMetadata run, BuildMetadataLabel.Launcher launcher, List<ImageRef> targets,
    int uid, int gid, String platformApi, String execEnv) {
  public ExportRequest {
    Objects.requireNonNull(layersDir, "layersDir");
    Objects.requireNonNull(appDir, "appDir");
    Objects.requireNonNull(launcherFile, "launcherFile");
    Objects.requireNonNull(projectMetadata, "projectMetadata");
    Objects.requireNonNull(extendedDir, "extendedDir");
    Objects.requireNonNull(analyzed, "analyzed");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(launcher, "launcher");
    targets = List.copyOf(targets);
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("at least one target image is needed");
    }
    if (uid < 0 || gid < 0) {
      throw new IllegalArgumentException("uid and gid must not be negative: " + uid + ":" + gid);
    }
    Objects.requireNonNull(platformApi, "platformApi");
    Objects.requireNonNull(execEnv, "execEnv");
  }

  /** A request without an execution environment label (below Platform API 0.15). */
  public ExportRequest(Path layersDir, Path appDir, Path launcherFile, Path projectMetadata, Path extendedDir,
      Analyzed analyzed, Group group, RunMetadata run, BuildMetadataLabel.Launcher launcher, List<ImageRef> targets,
      int uid, int gid, String platformApi) {
    this(layersDir, appDir, launcherFile, projectMetadata, extendedDir, analyzed, group, run, launcher, targets, uid,
        gid, platformApi, "");
  }
}
