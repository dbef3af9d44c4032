package dev.cnbfarm.engine.detect;

import dev.cnbfarm.engine.ExperimentalGate;
import dev.cnbfarm.engine.PlatformFiles;
import dev.cnbfarm.lifecycle.extend.DockerfileStep;
import dev.cnbfarm.lifecycle.extend.ExtendKind;
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
import dev.cnbfarm.lifecycle.platform.SystemBuildpacks;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The detector phase (platform.md "detector"): from Platform API 0.15, merge the system buildpacks
 * of {@code system.toml} into the order and leave out modules made for another execution
 * environment; detect, then generate when the chosen group has
 * extensions. group.toml, plan.toml, analyzed.toml and {@code <generated>} go through the {@link
 * PlatformFiles} port, at the moments the reference lifecycle writes them (group and plan before
 * generate, so a failed generate leaves them as it does). Failures are {@link LifecycleException}s
 * carrying the exit code; "no group passed" is a returned outcome. Not thread-safe; one instance
 * per run.
 */
public final class DetectorPhase {
  private final BinaryRunner runner;
  private final PlatformFiles files;
  private final Reporter reporter;
  private final DetectSettings settings;

  public DetectorPhase(BinaryRunner runner, PlatformFiles files, Reporter reporter, DetectSettings settings) {
    this.runner = runner;
    this.files = files;
    this.reporter = reporter;
    this.settings = settings;
  }

  /**
   * Runs the phase on this machine's files; a {@link DetectOutcome.NotDetected} outcome means exit
   * 20/21. The plan files are written under a temp dir, deleted at the end; targets without a
   * distro are matched against this machine's {@code /etc/os-release}.
   */
  public DetectResult run(DetectInputs in) {
    Path scratch = scratch();
    try {
      return run(in, scratch, Path.of("/etc/os-release"));
    } finally {
      FileTrees.deleteQuietly(scratch);
    }
  }

  /**
   * Runs the phase with its scratch dir and os-release given, for a caller that runs the modules in
   * a sandbox over another root (detect-worker: the builder image's): it binds {@code scratch} where
   * the modules see it and passes the image's {@code /etc/os-release} (a missing file: no distro).
   *
   * @param scratch where the per-module plan files and generate's work go (created if missing); the
   *     caller owns and deletes it
   * @param osRelease the build environment's {@code /etc/os-release}, for targets without a distro
   */
  public DetectResult run(DetectInputs in, Path scratch, Path osRelease) {
    Order order = Order.read(in.order());
    if (in.platformApi().atLeast("0.15")) {
      order = SystemBuildpacks.read(in.system()).mergeInto(order);
    }
    if (order.hasExtensions()) {
      ExperimentalGate.check("Dockerfiles", in.platformApi(), in.experimentalMode(), reporter);
    }
    if (!Files.isDirectory(in.app())) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "app dir " + in.app() + " does not exist");
    }
    Analyzed analyzed = files.readAnalyzed();
    BuildEnv env = new BuildEnv(in.env(), in.platform(), in.buildConfig());
    Map<String, String> targetEnv = TargetEnv.of(analyzed.runImageTarget());
    ModuleStore store = new ModuleStore(in.buildpacks(), in.extensions(), reporter);
    try {
      Files.createDirectories(scratch);
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.GENERIC, "cannot create the scratch dir " + scratch + ": "
          + e.getMessage(), e);
    }
    ExecutorService pool = Executors.newFixedThreadPool(settings.parallelism(), r -> {
      Thread t = new Thread(r, "cnbfarm-detect");
      t.setDaemon(true);
      return t;
    });
    try {
      ModuleDetector md = new ModuleDetector(runner, env, targetEnv, in.app(), in.platform(), scratch,
          settings.timeout());
      TargetMatcher targets = new TargetMatcher(in.platformApi().atLeast("0.12") ? analyzed.runImageTarget()
          : dev.cnbfarm.lifecycle.buildpack.Target.of("", ""), osRelease);
      String execEnv = in.platformApi().atLeast("0.15") ? env.execEnv() : "";
      DetectOutcome outcome = new Detector(store, md, targets, pool, reporter, execEnv).detect(order);
      if (outcome instanceof DetectOutcome.Detected d) {
        return detected(in, d, analyzed, new Generator.GenerateContext(in.platformApi(), in.app(), in.platform(),
            files.generatedDir(), scratch, env, targetEnv, RunMetadata.read(in.runToml()), runner,
            settings.timeout(), reporter));
      }
      return DetectResult.notDetected((DetectOutcome.NotDetected) outcome);
    } finally {
      pool.shutdownNow();
    }
  }

  private DetectResult detected(DetectInputs in, DetectOutcome.Detected d, Analyzed analyzed,
      Generator.GenerateContext ctx) {
    files.writeGroup(d.group());
    files.writePlan(d.plan());
    files.clearGenerated().forEach(child -> reporter.debug("Removing stale generated output " + child));
    if (d.extensions().isEmpty()) {
      return new DetectResult(d, Optional.empty(), List.of());
    }
    reporter.info("Running generate for " + d.extensions().size() + " extension(s): "
        + d.extensions().stream().map(GroupElement::toString).toList());
    GenerateResult g = new Generator(ctx).generate(d.extensions(), d.plan(), analyzed);
    files.writePlan(g.plan());
    files.writeAnalyzed(g.analyzed());
    if (g.extendsBuildImage()) {
      reporter.info("Build image will be extended by: " + g.outputs().stream().filter(o -> o.hasBuild())
          .map(o -> o.extensionId()).toList());
    }
    return new DetectResult(d, Optional.of(g), dockerfiles(in, d));
  }

  /** What the extender will apply, read back as it will read it (one rule: {@link PlatformFiles#dockerfiles}). */
  private List<GeneratedDockerfile> dockerfiles(DetectInputs in, DetectOutcome.Detected d) {
    List<GeneratedDockerfile> out = new ArrayList<>();
    for (ExtendKind kind : ExtendKind.values()) {
      for (DockerfileStep step : files.dockerfiles(in.platformApi(), d.group(), kind, in.app())) {
        try {
          out.add(new GeneratedDockerfile(step.extensionId(), kind, Files.readString(step.dockerfile()),
              step.extensionArgs(), step.context()));
        } catch (IOException e) {
          throw new LifecycleException(FailureCode.GENERATE_ERROR, "cannot read " + step.dockerfile() + ": "
              + e.getMessage(), e);
        }
      }
    }
    return out;
  }

  private static Path scratch() {
    try {
      return Files.createTempDirectory("cnbfarm-detect-");
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.GENERIC, "cannot create a scratch dir: " + e.getMessage(), e);
    }
  }
}
