package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.layer.IgnoredPaths;
import dev.cnbfarm.image.rootfs.RootfsCache;
import dev.cnbfarm.image.rootfs.RootfsPlan;
import dev.cnbfarm.image.rootfs.ScratchSpace;
import dev.cnbfarm.image.sandbox.Sandbox;
import dev.cnbfarm.lifecycle.dockerfile.Dockerfile;
import dev.cnbfarm.lifecycle.dockerfile.DockerfileParser;
import dev.cnbfarm.lifecycle.dockerfile.Instruction;
import dev.cnbfarm.lifecycle.dockerfile.InvalidDockerfileException;
import dev.cnbfarm.lifecycle.dockerfile.Stage;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.fs.ModuleFiles;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies one extension Dockerfile to an image (design.md §5): each instruction is one small
 * {@link StepCommand}; RUN executes in the namespace sandbox over an overlay of the image's layer
 * directories, and each filesystem step's change directory becomes its layer, written once and
 * kept unpacked in the rootfs cache. Steps whose cache key matches reuse a cached layer without
 * running. Instructions outside the spec's list are warned about and skipped. Thread-safe if its
 * collaborators are; each call is independent.
 */
public final class DockerfileApplier {
  private static final Set<String> LAYER_STEPS = Set.of("RUN", "COPY", "ADD");
  private static final Map<String, StepCommand> COMMANDS = Map.of("ARG", new ArgStep(), "ENV", new EnvStep(),
      "LABEL", new LabelStep(), "USER", new UserStep(), "WORKDIR", new WorkdirStep(), "SHELL", new ShellStep(),
      "RUN", new RunStep(), "COPY", new CopyStep(false), "ADD", new CopyStep(true));
  private static final StepCommand SKIPPED = new SkippedStep();

  private final StepTools tools;

  /**
   * @param blobDir where new layer blobs are written ({@code <digest-hex>.tar.gz})
   * @param stepTimeLimit the longest a RUN may take
   */
  public DockerfileApplier(Sandbox sandbox, RootfsCache rootfs, ScratchSpace scratch, Path blobDir, LayerCache cache,
      Reporter reporter, Duration stepTimeLimit) {
    this.tools = new StepTools(sandbox, scratch, new LayerMaker(rootfs, blobDir, IgnoredPaths.PLATFORM), cache,
        reporter, stepTimeLimit);
  }

  /**
   * Applies the request's Dockerfile. Every failure is an extend error (exit 102): generate checked
   * the Dockerfiles (exit 92), so one that reaches extend unparsable or breaking a rule (a
   * {@code <generated>} tree written or changed after generate) fails the extend that reads it.
   */
  public ApplyResult apply(ApplyRequest request) {
    try {
      return applyParsed(request, parse(request.dockerfile()));
    } catch (InvalidDockerfileException e) {
      throw new LifecycleException(FailureCode.EXTEND_ERROR, e.getMessage(), e);
    }
  }

  private ApplyResult applyParsed(ApplyRequest request, Dockerfile df) {
    List<Stage> stages = df.stages();
    if (stages.size() != 1) {
      throw new LifecycleException(FailureCode.EXTEND_ERROR, df.label() + ": expected exactly one stage, found " + stages.size());
    }
    BuildState st = new BuildState(df, request);
    List<Instruction> body = stages.get(0).body();
    checkLayerCount(df, request, body);
    int step = 0;
    for (Instruction ins : body) {
      step++;
      tools.reporter().info("[" + request.extensionId() + "] Step " + step + "/" + body.size() + " : " + ins.keyword()
          + " " + ins.rawArguments());
      COMMANDS.getOrDefault(ins.keyword(), SKIPPED).apply(ins, st, tools);
    }
    return new ApplyResult(st.image(), st.newLayers, st.runsExecuted, st.cacheHits, st.warnings);
  }

  /**
   * Fails before the first step when the result could not be stacked: every RUN, COPY and ADD adds
   * a layer, and overlayfs stacks at most {@link RootfsPlan#MAX_LAYERS}.
   */
  private static void checkLayerCount(Dockerfile df, ApplyRequest request, List<Instruction> body) {
    // A layer listed twice is stacked once (RootfsPlan#stackedLowers), so count distinct dirs.
    int base = (int) request.base().layers().stream().map(l -> l.dir().normalize()).distinct().count();
    long steps = body.stream().filter(i -> LAYER_STEPS.contains(i.keyword())).count();
    if (base + steps > RootfsPlan.MAX_LAYERS) {
      throw new LifecycleException(FailureCode.EXTEND_ERROR, df.label() + ": the image would have " + (base + steps)
          + " layers (" + base + " in the base image, " + steps + " from RUN/COPY/ADD); overlayfs stacks at most "
          + RootfsPlan.MAX_LAYERS + " (squash the base image or merge steps)");
    }
  }

  private static Dockerfile parse(Path file) {
    try {
      return DockerfileParser.parse(ModuleFiles.readString(file), file.toString());
    } catch (ModuleFiles.InvalidTextException e) {
      throw new LifecycleException(FailureCode.EXTEND_ERROR, e.getMessage(), e);
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.EXTEND_ERROR, file + ": cannot read: " + e.getMessage(), e);
    }
  }
}
