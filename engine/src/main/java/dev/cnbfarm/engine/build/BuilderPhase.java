package dev.cnbfarm.engine.build;

import dev.cnbfarm.lifecycle.phase.PhaseInputs;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.lifecycle.build.BuildContext;
import dev.cnbfarm.lifecycle.build.BuildResult;
import dev.cnbfarm.lifecycle.build.Builder;
import dev.cnbfarm.lifecycle.buildpack.ModuleStore;
import dev.cnbfarm.lifecycle.env.BuildEnv;
import dev.cnbfarm.lifecycle.env.TargetEnv;
import dev.cnbfarm.lifecycle.exec.BinaryRunner;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.Plan;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The builder phase (platform.md "builder"): reads group.toml, plan.toml and analyzed.toml, runs
 * the {@link Builder} over the buildpacks with the inputs resolved as the reference lifecycle does
 * ({@code -app -buildpacks -group -plan -layers -platform -analyzed -build-config}, their {@code
 * CNB_*} env vars, spec defaults), and writes {@code <layers>/config/metadata.toml}. Failures are
 * {@link LifecycleException}s carrying exit 51 or 52. Not thread-safe; one instance per run.
 */
public final class BuilderPhase {
  private final PhaseInputs in;
  private final BinaryRunner runner;
  private final Reporter reporter;
  private final Duration timeout;

  public BuilderPhase(PhaseInputs in, BinaryRunner runner, Reporter reporter, Duration timeout) {
    this.in = in;
    this.runner = runner;
    this.reporter = reporter;
    this.timeout = timeout;
  }

  public BuildResult run() {
    in.requireApi("build-config", "0.11");
    Path app = in.path("app", "CNB_APP_DIR", "/workspace");
    Path platform = in.path("platform", "CNB_PLATFORM_DIR", "/platform");
    if (!Files.isDirectory(app)) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "app dir " + app + " does not exist");
    }
    Group group = Group.read(in.layersPath("group", "CNB_GROUP_PATH", "group.toml"));
    Plan plan = Plan.read(in.layersPath("plan", "CNB_PLAN_PATH", "plan.toml"));
    Analyzed analyzed = Analyzed.read(in.layersPath("analyzed", "CNB_ANALYZED_PATH", "analyzed.toml"));
    BuildEnv env = new BuildEnv(in.environment(), platform,
        in.path("build-config", "CNB_BUILD_CONFIG_DIR", "/cnb/build-config"));
    ModuleStore store = new ModuleStore(in.path("buildpacks", "CNB_BUILDPACKS_DIR", "/cnb/buildpacks"),
        in.path("extensions", "CNB_EXTENSIONS_DIR", "/cnb/extensions"), reporter);
    Path planDir = scratch();
    try {
      BuildContext ctx = BuildContext.local(app, in.layers(), platform, planDir, env,
          TargetEnv.of(analyzed.runImageTarget()), timeout);
      return new Builder(runner, store, ctx, reporter).build(group, plan);
    } finally {
      FileTrees.deleteQuietly(planDir);
    }
  }

  private static Path scratch() {
    try {
      return Files.createTempDirectory("cnbfarm-build-");
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.BUILD_ERROR, "cannot create a plan dir: " + e.getMessage(), e);
    }
  }

}
