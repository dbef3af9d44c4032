package dev.cnbfarm.lifecycle.build;

import dev.cnbfarm.lifecycle.buildpack.ModuleDescriptor;
import dev.cnbfarm.lifecycle.buildpack.ModuleKind;
import dev.cnbfarm.lifecycle.buildpack.ModuleRef;
import dev.cnbfarm.lifecycle.buildpack.ModuleStore;
import dev.cnbfarm.lifecycle.exec.BinaryRunner;
import dev.cnbfarm.lifecycle.exec.Execution;
import dev.cnbfarm.lifecycle.exec.Invocation;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.platform.Plan;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The build phase contract (buildpack.md "Phase #3: Build"; platform.md "builder"): each buildpack
 * of the group, in order, gets its Buildpack Plan and runs {@code /bin/build <layers>/<escaped-id>
 * <platform> <plan>} in {@code <app>} through the {@link BinaryRunner} port, so the same logic
 * serves local processes and the image sandbox. Its env is the {@link
 * dev.cnbfarm.lifecycle.env.BuildEnv} plus what earlier buildpacks' build layers contribute. After
 * each buildpack its outputs are read and checked, and the entries it met leave the plan (entries
 * it left {@code [[unmet]]} go on to later providers), and its SBOM files are copied under {@code
 * <layers>/sbom/}. Finally {@code <layers>/config/metadata.toml} is written. Not thread-safe; one build per layers dir at a time.
 */
public final class Builder {
  private final BinaryRunner runner;
  private final ModuleStore modules;
  private final BuildContext ctx;
  private final Reporter reporter;

  public Builder(BinaryRunner runner, ModuleStore modules, BuildContext ctx, Reporter reporter) {
    this.runner = runner;
    this.modules = modules;
    this.ctx = ctx;
    this.reporter = reporter;
  }

  /** The descriptors of the group's buildpacks, in order. */
  public static List<ModuleDescriptor> buildpacks(ModuleStore modules, Group group) {
    return group.buildpacks().stream()
        .map(e -> modules.lookup(new ModuleRef(ModuleKind.BUILDPACK, e.id(), e.version(), false)))
        .toList();
  }

  /**
   * Runs the group's buildpacks and writes metadata.toml.
   *
   * @param plan plan.toml (after generate: the entries extensions met are already gone)
   * @throws LifecycleException {@link FailureCode#BUILD_FAILED} (51) when a {@code /bin/build}
   *     fails, {@link FailureCode#BUILD_ERROR} (52) when its outputs are invalid
   */
  public BuildResult build(Group group, Plan plan) {
    SbomLayout.clear(ctx.layers());
    LayerEnv layerEnv = new LayerEnv();
    List<BuildpackOutput> outputs = new ArrayList<>();
    List<GroupEntry> entries = new ArrayList<>();
    Plan remaining = plan;
    for (ModuleDescriptor bp : buildpacks(modules, group)) {
      reporter.info("Running build for buildpack " + bp.coordinates());
      List<Plan.Require> bpPlan = remaining.requirementsFor(bp.id(), false);
      BuildpackOutput out = buildOne(bp, bpPlan, layerEnv);
      outputs.add(out);
      SbomLayout.copy(ctx.layers(), out);
      entries.add(entry(group, bp));
      out.layers().stream().filter(Layer::build).forEach(l -> layerEnv.add(l.dir()));
      remaining = remaining.without(met(bpPlan, out.unmet()));
    }
    SbomLayout.writeLegacy(ctx.layers(), outputs);
    BuildMetadata metadata = BuildMetadata.of(entries, group.extensions(), outputs, reporter);
    Path file = ctx.layers().resolve("config").resolve("metadata.toml");
    metadata.write(file);
    claim(file.getParent(), file);
    return new BuildResult(outputs, metadata);
  }

  private BuildpackOutput buildOne(ModuleDescriptor bp, List<Plan.Require> bpPlan, LayerEnv layerEnv) {
    Path bin = bp.binary("build");
    if (!Files.isRegularFile(bin)) {
      throw new LifecycleException(FailureCode.BUILD_ERROR, "buildpack " + bp.coordinates() + " has no " + bin);
    }
    Path layers = ctx.layers().resolve(ModuleStore.escape(bp.id()));
    Path planFile = ctx.planDir().resolve(ModuleStore.escape(bp.id())).resolve("plan.toml");
    try {
      Files.createDirectories(layers);
      Files.createDirectories(planFile.getParent());
      Plan.writeBuildpackPlan(planFile, bpPlan);
    } catch (IOException | RuntimeException e) {
      throw new LifecycleException(FailureCode.BUILD_ERROR, "cannot prepare the build of " + bp.coordinates()
          + ": " + e.getMessage(), e);
    }
    claim(layers, planFile.getParent(), planFile);
    Map<String, String> env = ctx.buildEnv().forModule(bp.clearEnv(), ctx.underlay(), layerEnv::applyTo);
    env.put("CNB_BUILDPACK_DIR", bp.dir().toString());
    // Buildpack API 0.8 added these; older buildpacks have only the positional args (the
    // reference sets them from 0.8 only: buildpack/build.go runBuildCmd).
    if (bp.api().atLeast("0.8")) {
      env.put("CNB_LAYERS_DIR", layers.toString());
      env.put("CNB_PLATFORM_DIR", ctx.platform().toString());
      env.put("CNB_BP_PLAN_PATH", planFile.toString());
    }
    // CNB_EXEC_ENV for Buildpack API 0.12+ (the platform's, else "production": BuildEnv)
    env.putAll(ctx.buildEnv().execEnvFor(bp.api()));
    if (bp.api().atLeast("0.10")) {
      env.putAll(ctx.targetEnv());
    }
    Execution ex = runner.run(new Invocation(bin,
        List.of(layers.toString(), ctx.platform().toString(), planFile.toString()), env, ctx.app(), ctx.timeout()));
    if (!ex.started()) {
      throw new LifecycleException(FailureCode.BUILD_FAILED, "buildpack " + bp.coordinates()
          + ": cannot run /bin/build: " + ex.startError() + tail(ex.output()));
    }
    if (ex.exitCode() != 0) {
      throw new LifecycleException(FailureCode.BUILD_FAILED, "buildpack " + bp.coordinates()
          + ": /bin/build exited " + ex.exitCode() + tail(ex.output()));
    }
    ex.output().stripTrailing().lines().forEach(reporter::info);
    return OutputReader.read(bp, layers, bpPlan, ex, reporter);
  }

  /** The names a buildpack met: those of its plan it did not list as unmet (buildpack.md "build.toml"). */
  private static Set<String> met(List<Plan.Require> bpPlan, List<String> unmet) {
    Set<String> met = new HashSet<>();
    bpPlan.forEach(r -> met.add(r.name()));
    met.removeAll(unmet);
    return met;
  }

  private static GroupEntry entry(Group group, ModuleDescriptor bp) {
    GroupEntry e = group.buildpacks().stream().filter(g -> g.id().equals(bp.id())).findFirst().orElseThrow();
    return e.homepage().isEmpty() ? new GroupEntry(e.id(), e.version(), e.api(), bp.homepage()) : e;
  }

  private void claim(Path... paths) {
    for (Path p : paths) {
      try {
        ctx.owner().claim(p);
      } catch (IOException e) {
        throw new LifecycleException(FailureCode.BUILD_ERROR, "cannot hand " + p + " to the build user: "
            + e.getMessage(), e);
      }
    }
  }

  /** The last part of a buildpack's output, for the failure message. */
  static String tail(String output) {
    String trimmed = output.strip();
    if (trimmed.isEmpty()) {
      return "";
    }
    int max = 2000;
    return ":\n" + (trimmed.length() <= max ? trimmed : "…" + trimmed.substring(trimmed.length() - max));
  }
}
