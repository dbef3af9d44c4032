package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.rootfs.OverlayMount;
import dev.cnbfarm.image.rootfs.RootfsPlan;
import dev.cnbfarm.image.sandbox.SandboxCommand;
import dev.cnbfarm.image.sandbox.SandboxException;
import dev.cnbfarm.image.sandbox.SandboxResult;
import dev.cnbfarm.image.sandbox.SandboxRoot;
import dev.cnbfarm.image.sandbox.SandboxSpec;
import dev.cnbfarm.image.sandbox.SandboxUser;
import dev.cnbfarm.lifecycle.dockerfile.Instruction;
import dev.cnbfarm.lifecycle.extend.ImageUser;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code RUN}: runs the command in the sandbox over an overlay of the image's layers, as the
 * image's current user, with ENV and the ARGs in scope; the overlay's upperdir becomes the layer.
 * Its cache key includes every ARG in scope, since a RUN sees them all as env (so a changed
 * {@code build_id} reruns every RUN after its declaration).
 */
final class RunStep implements StepCommand {
  @Override
  public void apply(Instruction ins, BuildState st, StepTools tools) {
    String createdBy = "RUN " + ins.rawArguments();
    String key = st.nextKey(createdBy + " " + new TreeMap<>(st.argsInScope) + " shell=" + st.shell);
    Optional<LayerBlob> cached = tools.cache().find(key);
    if (cached.isPresent()) {
      tools.reporter().info(" ---> Using cache for " + createdBy);
      st.cacheHits++;
      Steps.addLayer(st, tools.layers().reuse(cached.get(), createdBy));
      return;
    }
    // The sandbox passes the command as a string (through a file when it is long), never with a NUL.
    if (ins.arguments().indexOf('\0') >= 0 || (ins.execForm() && ins.execArgs().stream().anyMatch(a -> a.indexOf('\0') >= 0))) {
      throw StepFailure.of(st, ins, "the command contains a NUL character");
    }
    ImageUser user = st.user();
    SandboxCommand command = ins.execForm() ? SandboxCommand.exec(ins.execArgs())
        : SandboxCommand.shell(st.shell, ins.arguments());
    try (OverlayMount mount = tools.scratch().prepare(RootfsPlan.of(st.image().lowersTopFirst()))) {
      SandboxSpec spec = SandboxSpec.dockerfileRun(SandboxRoot.overlay(mount), command).env(st.runEnv())
          .user(SandboxUser.of(user.uid(), user.gid())).workingDir(st.workingDir()).timeLimit(tools.timeLimit())
          .build();
      SandboxResult result = tools.sandbox().run(spec, tools.reporter()::info, tools.reporter()::info);
      st.runsExecuted++;
      if (result.timedOut()) {
        throw StepFailure.of(st, ins, "killed after the step time limit of " + tools.timeLimit() + result.limitNote());
      }
      if (result.exitCode() != 0) {
        throw StepFailure.of(st, ins, "'" + ins.arguments() + "' returned a non-zero code: " + result.exitCode()
            + result.limitNote());
      }
      if (result.overDiskBudget()) {
        throw StepFailure.of(st, ins, "'" + ins.arguments() + "' exceeded the disk budget" + result.limitNote());
      }
      StateLayer layer = tools.layers().make(mount.upperDir(), createdBy);
      tools.cache().store(key, layer.blob().orElseThrow());
      Steps.addLayer(st, layer);
    } catch (SandboxException e) {
      throw StepFailure.of(st, ins, "cannot run: " + e.getMessage());
    }
  }
}
