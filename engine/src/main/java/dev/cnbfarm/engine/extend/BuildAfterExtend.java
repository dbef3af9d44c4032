package dev.cnbfarm.engine.extend;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.image.dockerfile.BindPlan;
import dev.cnbfarm.image.dockerfile.BuildDirs;
import dev.cnbfarm.image.dockerfile.BuildRunner;
import dev.cnbfarm.image.dockerfile.ImageState;
import dev.cnbfarm.image.dockerfile.SandboxBinaryRunner;
import dev.cnbfarm.image.sandbox.NetworkMode;
import dev.cnbfarm.image.sandbox.Sandbox;
import dev.cnbfarm.image.sandbox.SandboxUser;
import dev.cnbfarm.lifecycle.build.BuildResult;
import dev.cnbfarm.lifecycle.buildpack.ModuleStore;
import dev.cnbfarm.lifecycle.extend.ImageEnv;
import dev.cnbfarm.lifecycle.extend.ImageUser;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.engine.PlatformFiles;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.Plan;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The build that follows build-image extension (extensions.md §6.4, §7): each buildpack's
 * {@code /bin/build} runs in the sandbox over the extended image, with its ENV, as
 * {@code <uid>:<gid>} (never the Dockerfiles' final USER) and that user's HOME. Not thread-safe.
 */
final class BuildAfterExtend {
  private final ExtendInputs in;
  private final ExtendWorkspace workspace;
  private final PlatformFiles files;
  private final Reporter reporter;
  private final Duration timeout;

  BuildAfterExtend(ExtendInputs in, ExtendWorkspace workspace, PlatformFiles files, Reporter reporter,
      Duration timeout) {
    this.in = in;
    this.workspace = workspace;
    this.files = files;
    this.reporter = reporter;
    this.timeout = timeout;
  }

  BuildResult run(ImageState original, ImageState extended, Group group, Analyzed analyzed) {
    SandboxUser user = user(original);
    Path plans = planScratch();
    try {
      return build(extended, group, analyzed, user, plans);
    } finally {
      FileTrees.deleteQuietly(plans);
    }
  }

  private BuildResult build(ImageState extended, Group group, Analyzed analyzed, SandboxUser user, Path plans) {
    BuildDirs dirs = new BuildDirs(in.app(), in.layers(), in.platform(), in.buildConfig(), plans);
    ModuleStore modules = new ModuleStore(in.buildpacks(), in.extensions());
    BindPlan binds = BindPlan.forBuild(dirs, BuildRunner.buildpacks(modules, group));
    SandboxBinaryRunner runner = new SandboxBinaryRunner(Sandbox.create(), workspace.scratch(), extended, user, binds,
        NetworkMode.HOST);
    Plan plan = files.readPlan();
    reporter.info("Building as " + user.uid() + ":" + user.gid() + " on the extended build image");
    return new BuildRunner(runner, modules, dirs, timeout).build(group, plan, analyzed, extended, user, reporter);
  }

  /** {@code -uid/-gid}, else {@code CNB_USER_ID/CNB_GROUP_ID} (flag or the image's env), else the image's user. */
  private SandboxUser user(ImageState original) {
    ImageUser fallback = ImageUser.resolve(original.config().user().orElse(""), original.stack()::readText);
    String imageUid = envOf(original, "CNB_USER_ID");
    String imageGid = envOf(original, "CNB_GROUP_ID");
    try {
      int uid = in.uid().isPresent() ? in.uid().getAsInt()
          : Integer.parseInt(imageUid.isEmpty() ? Integer.toString(fallback.uid()) : imageUid);
      int gid = in.gid().isPresent() ? in.gid().getAsInt()
          : Integer.parseInt(imageGid.isEmpty() ? Integer.toString(fallback.gid()) : imageGid);
      if (uid == 0) {
        reporter.warn("the build runs as root (uid 0): pass -uid/-gid or set CNB_USER_ID in the build image");
      }
      return SandboxUser.of(uid, gid);
    } catch (NumberFormatException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "-uid/-gid must be numbers: " + e.getMessage());
    }
  }

  private static String envOf(ImageState image, String name) {
    return ImageEnv.get(image.config().env(), name).orElse("");
  }

  private Path planScratch() {
    try {
      return Files.createTempDirectory(workspace.root(), "plans");
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.BUILD_ERROR, "cannot create a plan dir: " + e.getMessage(), e);
    }
  }
}
