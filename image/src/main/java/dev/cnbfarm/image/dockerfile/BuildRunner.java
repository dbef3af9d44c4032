package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.sandbox.SandboxUser;
import dev.cnbfarm.lifecycle.build.BuildContext;
import dev.cnbfarm.lifecycle.build.BuildResult;
import dev.cnbfarm.lifecycle.build.Builder;
import dev.cnbfarm.lifecycle.buildpack.ModuleDescriptor;
import dev.cnbfarm.lifecycle.buildpack.ModuleStore;
import dev.cnbfarm.lifecycle.env.BuildEnv;
import dev.cnbfarm.lifecycle.env.TargetEnv;
import dev.cnbfarm.lifecycle.exec.BinaryRunner;
import dev.cnbfarm.lifecycle.extend.ImageEnv;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.Plan;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The build that follows a build-image extension (extensions.md §6.4, §7). The build contract
 * itself (each buildpack's {@code /bin/build} in group order, the env of earlier build layers,
 * outputs, unmet entries, {@code <layers>/config/metadata.toml}) is the lifecycle's {@link
 * Builder}; this class adds what is specific to the extended image: the buildpack env is laid over
 * the image config's {@code Env} (each entry split on its first {@code =}, decisions.md #9), {@code
 * HOME}/{@code USER} come from the image's {@code /etc/passwd} for {@code <uid>}, and the layers dir
 * and every file the builder creates are given to {@code <uid>:<gid>}. The runner (a {@link
 * SandboxBinaryRunner}) maps the host paths to the container's. Thread-safe if the runner is; one
 * build per layers dir at a time.
 */
public final class BuildRunner {
  private final BinaryRunner runner;
  private final ModuleStore modules;
  private final BuildDirs dirs;
  private final Duration timeout;

  public BuildRunner(BinaryRunner runner, ModuleStore modules, BuildDirs dirs, Duration timeout) {
    this.runner = runner;
    this.modules = modules;
    this.dirs = dirs;
    this.timeout = timeout;
  }

  /** The descriptors of the group's buildpacks, in order (for {@link BindPlan#forBuild}). */
  public static List<ModuleDescriptor> buildpacks(ModuleStore modules, Group group) {
    return Builder.buildpacks(modules, group);
  }

  /**
   * Runs the group's buildpacks; see {@link #build}.
   *
   * @return how each buildpack ran, in order
   */
  public List<BuildpackRun> run(Group group, Plan plan, Analyzed analyzed, ImageState extended, SandboxUser user) {
    return build(group, plan, analyzed, extended, user).outputs().stream()
        .map(o -> new BuildpackRun(o.id(), o.version(), o.execution())).toList();
  }

  /**
   * Runs the group's buildpacks and writes metadata.toml.
   *
   * @param plan plan.toml as generate left it (entries met by extensions already removed)
   * @param analyzed gives the run image target for {@code CNB_TARGET_*}
   * @param extended the build image after every build.Dockerfile
   * @param user the {@code <uid>:<gid>} of the build
   * @throws LifecycleException {@link FailureCode#BUILD_FAILED} when a buildpack fails, {@link
   *     FailureCode#BUILD_ERROR} when its outputs are invalid, {@link FailureCode#EXTEND_ERROR}
   *     when the uid has no entry in the image's /etc/passwd
   */
  public BuildResult build(Group group, Plan plan, Analyzed analyzed, ImageState extended, SandboxUser user) {
    return build(group, plan, analyzed, extended, user, Reporter.NONE);
  }

  /**
   * As {@link #build(Group, Plan, Analyzed, ImageState, SandboxUser)}, streaming each buildpack's
   * "Running build" line and output to {@code reporter} as it finishes, as {@code lifecycle
   * builder} does, so a failing later buildpack does not hide the earlier ones' output.
   */
  public BuildResult build(Group group, Plan plan, Analyzed analyzed, ImageState extended, SandboxUser user,
      Reporter reporter) {
    Map<String, String> imageEnv = ImageEnv.parse(extended.config().env());
    PasswdEntry account = account(extended, user);
    imageEnv.put("HOME", account.home());
    imageEnv.put("USER", account.name());
    try {
      HostTrees.ensureOwner(dirs.layers(), user.uid(), user.gid());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot chown " + dirs.layers(), e);
    }
    BuildContext ctx = new BuildContext(dirs.app(), dirs.layers(), dirs.platform(), dirs.planScratch(),
        new BuildEnv(imageEnv, dirs.platform(), dirs.buildConfig()), imageEnv,
        TargetEnv.of(analyzed.runImageTarget()), timeout, path -> HostTrees.chown(path, user.uid(), user.gid()));
    return new Builder(runner, modules, ctx, reporter).build(group, plan);
  }

  private static PasswdEntry account(ImageState image, SandboxUser user) {
    return image.stack().readText("/etc/passwd")
        .flatMap(passwd -> PasswdEntry.byUid(passwd, user.uid()))
        .orElseThrow(() -> new LifecycleException(FailureCode.EXTEND_ERROR,
            "uid " + user.uid() + " is not in the extended build image's /etc/passwd, so HOME cannot be set"));
  }
}
