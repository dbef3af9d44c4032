package dev.cnbfarm.lifecycle.detect;

import dev.cnbfarm.lifecycle.buildpack.ModuleDescriptor;
import dev.cnbfarm.lifecycle.env.BuildEnv;
import dev.cnbfarm.lifecycle.exec.BinaryRunner;
import dev.cnbfarm.lifecycle.exec.Execution;
import dev.cnbfarm.lifecycle.exec.Invocation;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.buildpack.ModuleStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs one module's {@code /bin/detect} with the spec's arguments, env and working dir
 * (buildpack.md "Phase #1: Detection"; image_extension.md) and reads the plan it wrote. An
 * extension without {@code /bin/detect} passes, with {@code <ext>/detect/plan.toml} as its plan.
 * Thread-safe: each call writes its plan to its own scratch directory.
 */
public final class ModuleDetector {
  private final BinaryRunner runner;
  private final BuildEnv env;
  private final Map<String, String> targetEnv;
  private final Path appDir;
  private final Path platformDir;
  private final Path scratch;
  private final Duration timeout;

  public ModuleDetector(BinaryRunner runner, BuildEnv env, Map<String, String> targetEnv, Path appDir,
      Path platformDir, Path scratch, Duration timeout) {
    this.runner = runner;
    this.env = env;
    this.targetEnv = Map.copyOf(targetEnv);
    this.appDir = appDir;
    this.platformDir = platformDir;
    this.scratch = scratch;
    this.timeout = timeout;
  }

  public DetectRun detect(ModuleDescriptor module) {
    Path bin = module.binary("detect");
    if (!Files.exists(bin)) {
      return module.isExtension() ? staticPlan(module) : DetectRun.error("missing " + bin, "", Duration.ZERO, false);
    }
    Path dir = scratch.resolve(module.kind().label()).resolve(ModuleStore.escape(module.id()) + "@" + module.version());
    Path planFile = dir.resolve("plan.toml");
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(planFile);
      Files.createFile(planFile);
    } catch (IOException e) {
      return DetectRun.error("cannot prepare " + planFile + ": " + e.getMessage(), "", Duration.ZERO, false);
    }
    Execution ex = runner.run(new Invocation(bin, List.of(platformDir.toString(), planFile.toString()),
        environment(module, planFile), appDir, timeout));
    if (!ex.started()) {
      return DetectRun.error("cannot run " + bin + ": " + ex.startError(), ex.output(), ex.elapsed(), true);
    }
    if (ex.exitCode() != DetectRun.PASS) {
      String why = ex.exitCode() == DetectRun.FAIL ? "detect exited 100 (fail)" : "detect exited " + ex.exitCode();
      return new DetectRun(ex.exitCode(), ex.output(), why, PlanSections.EMPTY, List.of(), ex.elapsed(), true);
    }
    return readPlan(module, planFile, ex.output(), ex.elapsed(), true);
  }

  private Map<String, String> environment(ModuleDescriptor module, Path planFile) {
    Map<String, String> e = new TreeMap<>(env.forModule(module.clearEnv()));
    e.put(module.kind().dirVariable(), module.dir().toString());
    // Buildpack API 0.8 added these two; older modules have only the positional args (the
    // reference sets them from 0.8 only: buildpack/detect.go runDetect).
    if (module.api().atLeast("0.8")) {
      e.put("CNB_PLATFORM_DIR", platformDir.toString());
      e.put("CNB_BUILD_PLAN_PATH", planFile.toString());
    }
    if (module.api().atLeast("0.10")) {
      e.putAll(targetEnv);
    }
    e.putAll(env.execEnvFor(module.api()));
    return e;
  }

  private DetectRun staticPlan(ModuleDescriptor module) {
    return readPlan(module, module.dir().resolve("detect").resolve("plan.toml"), "", Duration.ZERO, false);
  }

  private static DetectRun readPlan(ModuleDescriptor module, Path planFile, String output, Duration took,
      boolean executed) {
    try {
      String text = Files.exists(planFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)
          ? dev.cnbfarm.lifecycle.fs.ModuleFiles.readString(planFile) : "";
      List<PlanSections> all = PlanOutputReader.read(module, text, planFile.toString());
      return new DetectRun(DetectRun.PASS, output, "", all.get(0), all.subList(1, all.size()), took, executed);
    } catch (LifecycleException | IOException e) {
      return DetectRun.error(e.getMessage(), output, took, executed);
    }
  }
}
