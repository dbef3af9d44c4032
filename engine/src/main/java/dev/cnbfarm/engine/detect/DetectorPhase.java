package dev.cnbfarm.engine.detect;

import dev.cnbfarm.engine.ExperimentalGate;
import dev.cnbfarm.lifecycle.phase.PhaseInputs;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.lifecycle.buildpack.ModuleStore;
import dev.cnbfarm.lifecycle.buildpack.TargetMatcher;
import dev.cnbfarm.lifecycle.detect.DetectOutcome;
import dev.cnbfarm.lifecycle.detect.Detector;
import dev.cnbfarm.lifecycle.detect.GroupElement;
import dev.cnbfarm.lifecycle.detect.ModuleDetector;
import dev.cnbfarm.lifecycle.env.BuildEnv;
import dev.cnbfarm.lifecycle.env.TargetEnv;
import dev.cnbfarm.lifecycle.exec.BinaryRunner;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.generate.GenerateResult;
import dev.cnbfarm.lifecycle.generate.Generator;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Order;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The detector phase (platform.md "detector"): detect, then generate when the chosen group has
 * extensions, writing group.toml, plan.toml, analyzed.toml and {@code <generated>} exactly where
 * the reference lifecycle writes them. Failures are {@link LifecycleException}s carrying the exit
 * code; "no group passed" is a returned outcome. Not thread-safe; one instance per run.
 */
public final class DetectorPhase {
  private final PhaseInputs in;
  private final BinaryRunner runner;
  private final Reporter reporter;
  private final int parallelism;
  private final Duration timeout;

  public DetectorPhase(PhaseInputs in, BinaryRunner runner, Reporter reporter, int parallelism, Duration timeout) {
    this.in = in;
    this.runner = runner;
    this.reporter = reporter;
    this.parallelism = parallelism;
    this.timeout = timeout;
  }

  /** Runs the phase; returns the outcome (a {@link DetectOutcome.NotDetected} means exit 20/21). */
  public DetectOutcome run() {
    in.requireApi("build-config", "0.11");
    in.requireApi("run", "0.12");
    Path app = in.path("app", "CNB_APP_DIR", "/workspace");
    Path platform = in.path("platform", "CNB_PLATFORM_DIR", "/platform");
    Path analyzedPath = in.layersPath("analyzed", "CNB_ANALYZED_PATH", "analyzed.toml");
    Path buildConfig = in.path("build-config", "CNB_BUILD_CONFIG_DIR", "/cnb/build-config");
    Order order = Order.read(in.order());
    if (order.hasExtensions()) {
      ExperimentalGate.check("Dockerfiles", in.platformApi(), in.env("CNB_EXPERIMENTAL_MODE", ""), reporter);
    }
    if (!Files.isDirectory(app)) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "app dir " + app + " does not exist");
    }
    Analyzed analyzed = Analyzed.read(analyzedPath);
    BuildEnv env = new BuildEnv(in.environment(), platform, buildConfig);
    Map<String, String> targetEnv = TargetEnv.of(analyzed.runImageTarget());
    ModuleStore store = new ModuleStore(in.path("buildpacks", "CNB_BUILDPACKS_DIR", "/cnb/buildpacks"),
        in.path("extensions", "CNB_EXTENSIONS_DIR", "/cnb/extensions"), reporter);
    Path scratch = scratch();
    ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
      Thread t = new Thread(r, "cnbfarm-detect");
      t.setDaemon(true);
      return t;
    });
    try {
      ModuleDetector md = new ModuleDetector(runner, env, targetEnv, app, platform, scratch, timeout);
      TargetMatcher targets = new TargetMatcher(in.platformApi().atLeast("0.12") ? analyzed.runImageTarget()
          : dev.cnbfarm.lifecycle.buildpack.Target.of("", ""), Path.of("/etc/os-release"));
      DetectOutcome outcome = new Detector(store, md, targets, pool, reporter).detect(order);
      if (outcome instanceof DetectOutcome.Detected d) {
        write(d, analyzed, new Generator.GenerateContext(in.platformApi(), app, platform,
            in.layersPath("generated", "CNB_GENERATED_DIR", "generated"), scratch, env, targetEnv,
            RunMetadata.read(in.path("run", "CNB_RUN_PATH", "/cnb/run.toml")), runner, timeout, reporter),
            analyzedPath);
      }
      return outcome;
    } finally {
      pool.shutdownNow();
      FileTrees.deleteQuietly(scratch);
    }
  }

  private void write(DetectOutcome.Detected d, Analyzed analyzed, Generator.GenerateContext ctx, Path analyzedPath) {
    Path groupPath = in.layersPath("group", "CNB_GROUP_PATH", "group.toml");
    Path planPath = in.layersPath("plan", "CNB_PLAN_PATH", "plan.toml");
    d.group().write(groupPath);
    d.plan().write(planPath);
    clearGenerated(ctx.generatedDir());
    if (d.extensions().isEmpty()) {
      return;
    }
    reporter.info("Running generate for " + d.extensions().size() + " extension(s): "
        + d.extensions().stream().map(GroupElement::toString).toList());
    GenerateResult g = new Generator(ctx).generate(d.extensions(), d.plan(), analyzed);
    g.plan().write(planPath);
    g.analyzed().write(analyzedPath);
    if (g.extendsBuildImage()) {
      reporter.info("Build image will be extended by: " + g.outputs().stream().filter(o -> o.hasBuild())
          .map(o -> o.extensionId()).toList());
    }
  }

  /**
   * Outputs of an earlier run must not survive: a stale build.Dockerfile would make a platform
   * extend the build image for an extension that did not run this time.
   */
  private void clearGenerated(Path generated) {
    if (!Files.isDirectory(generated)) {
      return;
    }
    try (var children = Files.list(generated)) {
      for (Path child : children.toList()) {
        reporter.debug("Removing stale generated output " + child);
        FileTrees.deleteQuietly(child);
      }
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.GENERATE_ERROR, "cannot clear " + generated + ": " + e.getMessage(), e);
    }
  }

  private static Path scratch() {
    try {
      return Files.createTempDirectory("cnbfarm-detect-");
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.GENERIC, "cannot create a scratch dir: " + e.getMessage(), e);
    }
  }

}
