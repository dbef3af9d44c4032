package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.rootfs.OverlayMount;
import dev.cnbfarm.image.rootfs.RootfsPlan;
import dev.cnbfarm.image.rootfs.ScratchSpace;
import dev.cnbfarm.image.sandbox.NetworkMode;
import dev.cnbfarm.image.sandbox.Sandbox;
import dev.cnbfarm.image.sandbox.SandboxCommand;
import dev.cnbfarm.image.sandbox.SandboxException;
import dev.cnbfarm.image.sandbox.SandboxResult;
import dev.cnbfarm.image.sandbox.SandboxRoot;
import dev.cnbfarm.image.sandbox.SandboxSpec;
import dev.cnbfarm.image.sandbox.SandboxUser;
import dev.cnbfarm.lifecycle.exec.BinaryRunner;
import dev.cnbfarm.lifecycle.exec.Execution;
import dev.cnbfarm.lifecycle.exec.Invocation;
import dev.cnbfarm.lifecycle.exec.ProcessBinaryRunner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs module executables inside the sandbox over an image (design.md §5 "Sandbox"; extensions.md
 * §6.4: the build runs on the extended build image's file system). Each run gets an overlay of the
 * image's layers with its own throw-away upper dir, so the image's layer dirs are never changed and
 * only the bound host dirs ({@link BindPlan}) keep what the module wrote. The invocation's host
 * paths are rewritten to container paths; stdout and stderr are merged into one capped output, as
 * {@link ProcessBinaryRunner} does. Thread-safe: runs are independent.
 */
public final class SandboxBinaryRunner implements BinaryRunner {
  private final Sandbox sandbox;
  private final ScratchSpace scratch;
  private final ImageState image;
  private final SandboxUser user;
  private final BindPlan binds;
  private final NetworkMode network;

  public SandboxBinaryRunner(Sandbox sandbox, ScratchSpace scratch, ImageState image, SandboxUser user,
      BindPlan binds, NetworkMode network) {
    if (image.layers().isEmpty()) {
      throw new IllegalArgumentException("cannot run modules on an image without layers");
    }
    this.sandbox = sandbox;
    this.scratch = scratch;
    this.image = image;
    this.user = user;
    this.binds = binds;
    this.network = network;
  }

  @Override
  public Execution run(Invocation invocation) {
    Invocation inContainer;
    try {
      inContainer = binds.rewrite(invocation);
    } catch (IllegalArgumentException e) {
      return new Execution(-1, "", Duration.ZERO, e.getMessage());
    }
    List<String> argv = new ArrayList<>();
    argv.add(inContainer.executable().toString());
    argv.addAll(inContainer.args());
    CappedOutput output = new CappedOutput(ProcessBinaryRunner.MAX_OUTPUT);
    try (OverlayMount mount = scratch.prepare(RootfsPlan.of(image.lowersTopFirst()))) {
      SandboxSpec.Builder spec = SandboxSpec.builder()
          .root(SandboxRoot.overlay(mount))
          .command(SandboxCommand.exec(argv))
          .env(inContainer.env())
          .user(user)
          .workingDir(inContainer.workDir().toString())
          .timeLimit(invocation.timeout())
          .network(network);
      binds.mounts().forEach(spec::bind);
      SandboxResult result = sandbox.run(spec.build(), output::line, output::line);
      if (result.timedOut()) {
        return new Execution(-1, output.text() + "\n[cnbfarm] killed after the time limit of " + invocation.timeout()
            + result.limitNote(), result.elapsed(), "timed out after " + invocation.timeout() + result.limitNote());
      }
      String limits = result.limitNote();
      if (result.exitCode() == 0 && result.overDiskBudget()) {
        return new Execution(-1, output.text() + "\n[cnbfarm]" + limits, result.elapsed(),
            "exceeded the disk budget" + limits);
      }
      return new Execution(result.exitCode(), limits.isEmpty() ? output.text() : output.text() + "\n[cnbfarm]"
          + limits, result.elapsed(), "");
    } catch (SandboxException | IllegalArgumentException e) {
      return new Execution(-1, output.text(), Duration.ZERO, "cannot run " + invocation.executable()
          + " in the sandbox: " + e.getMessage());
    }
  }

  /** Lines of both streams, in arrival order, keeping the first {@code limit} bytes. Thread-safe. */
  static final class CappedOutput {
    private final int limit;
    private final StringBuilder kept = new StringBuilder();
    private int keptBytes;
    private long dropped;

    CappedOutput(int limit) {
      this.limit = limit;
    }

    synchronized void line(String line) {
      String withNewline = line + "\n";
      int bytes = withNewline.getBytes(StandardCharsets.UTF_8).length;
      if (keptBytes + bytes <= limit) {
        kept.append(withNewline);
        keptBytes += bytes;
      } else {
        dropped += bytes;
      }
    }

    synchronized String text() {
      return dropped == 0 ? kept.toString() : kept + "[cnbfarm] output truncated: " + dropped + " more bytes";
    }
  }
}
