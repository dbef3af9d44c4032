package dev.cnbfarm.lifecycle.generate;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.buildpack.ModuleDescriptor;
import dev.cnbfarm.lifecycle.buildpack.ModuleStore;
import dev.cnbfarm.lifecycle.detect.GroupElement;
import dev.cnbfarm.lifecycle.env.BuildEnv;
import dev.cnbfarm.lifecycle.exec.BinaryRunner;
import dev.cnbfarm.lifecycle.exec.Execution;
import dev.cnbfarm.lifecycle.exec.Invocation;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Plan;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The generate phase (image_extension.md "Phase: Generation"; extensions.md §3, §5): runs each
 * extension's {@code /bin/generate} in group order (or takes its static {@code generate/} dir,
 * decisions.md #8), validates the outputs, removes the entries each extension met from the plan
 * that later modules see, picks the run image, and rewrites analyzed.toml. Not thread-safe.
 */
public final class Generator {
  private final GenerateContext ctx;

  public Generator(GenerateContext ctx) {
    this.ctx = ctx;
  }

  public GenerateResult generate(List<GroupElement> extensions, Plan plan, Analyzed analyzed) {
    GeneratedLayout layout = new GeneratedLayout(ctx.platformApi(), ctx.generatedDir(), ctx.scratchDir());
    List<ExtensionOutput> outputs = new ArrayList<>();
    Plan current = plan;
    for (GroupElement el : extensions) {
      ModuleDescriptor ext = el.module();
      List<Plan.Require> requires = current.requirementsFor(ext.id(), true);
      Path out = layout.outputDir(ext.id());
      run(ext, requires, out);
      outputs.add(OutputReader.read(ext, out, layout.isPerExtension(), ctx.reporter()));
      Set<String> met = requires.stream().map(Plan.Require::name).collect(Collectors.toSet());
      current = current.without(met);
    }
    RunImageChoice choice = RunImageChoice.of(outputs);
    try {
      layout.publish(outputs, choice);
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.GENERATE_ERROR, "cannot write " + ctx.generatedDir() + ": " + e.getMessage(), e);
    }
    Analyzed updated = new RunImageUpdate(ctx.platformApi(), ctx.runMetadata(), ctx.reporter()).apply(analyzed, choice);
    if (ctx.platformApi().atLeast("0.13") && outputs.stream().anyMatch(ExtensionOutput::hasBuild)) {
      updated = updated.withBuildImageExtend(true);
    }
    return new GenerateResult(current, updated, outputs, choice);
  }

  private void run(ModuleDescriptor ext, List<Plan.Require> requires, Path out) {
    Path work = ctx.scratchDir().resolve("generate").resolve(ModuleStore.escape(ext.id()));
    Path planFile = work.resolve("plan.toml");
    try {
      FileTrees.deleteRecursively(out);
      Files.createDirectories(out);
      Files.createDirectories(work);
      Plan.writeBuildpackPlan(planFile, requires);
    } catch (IOException | UncheckedIOException e) {
      throw new LifecycleException(FailureCode.GENERATE_ERROR, "cannot prepare " + out + ": " + e.getMessage(), e);
    }
    Path bin = ext.binary("generate");
    if (!Files.exists(bin)) {
      copyStatic(ext, out);
      return;
    }
    ctx.reporter().debug("Running generate for extension " + ext.coordinates());
    Execution ex = ctx.runner().run(new Invocation(bin, List.of(out.toString(), ctx.platformDir().toString(),
        planFile.toString()), environment(ext, out, planFile), ctx.appDir(), ctx.timeout()));
    if (!ex.output().isBlank()) {
      ex.output().stripTrailing().lines().forEach(ctx.reporter()::info);
    }
    if (!ex.started() || ex.exitCode() != 0) {
      String why = ex.started() ? "exit code " + ex.exitCode() : ex.startError();
      throw new LifecycleException(FailureCode.GENERATE_FAILED,
          "extension " + ext.coordinates() + ": /bin/generate failed (" + why + ")"
              + (ex.output().isBlank() ? "" : "; output:\n" + tail(ex.output())));
    }
  }

  private Map<String, String> environment(ModuleDescriptor ext, Path out, Path planFile) {
    Map<String, String> env = new TreeMap<>(ctx.buildEnv().forModule(ext.clearEnv()));
    env.put("CNB_EXTENSION_DIR", ext.dir().toString());
    env.put("CNB_OUTPUT_DIR", out.toString());
    env.put("CNB_PLATFORM_DIR", ctx.platformDir().toString());
    env.put("CNB_BP_PLAN_PATH", planFile.toString());
    if (ext.api().atLeast("0.10")) {
      env.putAll(ctx.targetEnv());
    }
    return env;
  }

  /** decisions.md #8: a static generate/ dir is copied into the output like generated files. */
  private static void copyStatic(ModuleDescriptor ext, Path out) {
    Path src = ext.dir().resolve("generate");
    if (!Files.isDirectory(src)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(src)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path dest = out.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(dest);
        } else {
          // A symlink is copied as a link, never followed (the COPY of its context checks where it points).
          Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES,
              java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
      }
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.GENERATE_ERROR, "cannot copy " + src + ": " + e.getMessage(), e);
    }
  }

  private static String tail(String output) {
    List<String> lines = output.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  /** Everything generate needs from the platform. Immutable. */
  public record GenerateContext(ApiVersion platformApi, Path appDir, Path platformDir, Path generatedDir,
      Path scratchDir, BuildEnv buildEnv, Map<String, String> targetEnv, RunMetadata runMetadata,
      BinaryRunner runner, Duration timeout, Reporter reporter) {
    public GenerateContext {
      targetEnv = Map.copyOf(targetEnv);
    }
  }
}
