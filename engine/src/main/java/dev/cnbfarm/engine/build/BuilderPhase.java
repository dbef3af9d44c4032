package dev.cnbfarm.engine.build;

import dev.cnbfarm.engine.PlatformFiles;
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

/**
 * The builder phase (platform.md "builder"): reads group.toml, plan.toml and analyzed.toml through
 * the {@link PlatformFiles} port, runs the {@link Builder} over the buildpacks, which writes {@code
 * <layers>/config/metadata.toml}, and returns the whole {@link BuildResult} (each buildpack's
 * output, layers, processes, metadata). Failures are {@link LifecycleException}s carrying exit 51
 * or 52. Not thread-safe; one instance per run.
 */
public final class BuilderPhase {
  private final BinaryRunner runner;
  private final PlatformFiles files;
  private final Reporter reporter;
  private final BuildSettings settings;

  public BuilderPhase(BinaryRunner runner, PlatformFiles files, Reporter reporter, BuildSettings settings) {
    this.runner = runner;
    this.files = files;
    this.reporter = reporter;
    this.settings = settings;
  }

  public BuildResult run(BuildInputs in) {
    if (!Files.isDirectory(in.app())) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "app dir " + in.app() + " does not exist");
    }
    Group group = files.readGroup();
    Plan plan = files.readPlan();
    Analyzed analyzed = files.readAnalyzed();
    BuildEnv env = new BuildEnv(in.env(), in.platform(), in.buildConfig());
    ModuleStore store = new ModuleStore(in.buildpacks(), in.extensions(), reporter);
    Path planDir = scratch();
    try {
      BuildContext ctx = BuildContext.local(in.app(), in.layers(), in.platform(), planDir, env,
          TargetEnv.of(analyzed.runImageTarget()), settings.timeout());
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
