package dev.cnbfarm.detect;

import dev.cnbfarm.engine.builder.BuilderTree;
import dev.cnbfarm.image.dockerfile.BindPlan;
import dev.cnbfarm.image.dockerfile.ImageState;
import dev.cnbfarm.image.dockerfile.SandboxBinaryRunner;
import dev.cnbfarm.image.rootfs.ScratchSpace;
import dev.cnbfarm.image.sandbox.BindMount;
import dev.cnbfarm.image.sandbox.NetworkMode;
import dev.cnbfarm.image.sandbox.Sandbox;
import dev.cnbfarm.image.sandbox.SandboxUser;
import dev.cnbfarm.lifecycle.exec.BinaryRunner;
import dev.cnbfarm.lifecycle.exec.Execution;
import dev.cnbfarm.lifecycle.exec.Invocation;
import dev.cnbfarm.lifecycle.extend.ImageEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where detect's and generate's module executables run (design.md §6: "detect + generate in the
 * builder image rootfs sandbox, as the CNB user"): the sandbox over the builder's layers, as the
 * builder's {@code CNB_USER_ID:CNB_GROUP_ID}, with the build's dirs bound where the reference
 * lifecycle's container has them ({@code /workspace} read-only, {@code /platform} read-only,
 * {@code /layers}, the builder's {@code /cnb/buildpacks} and {@code /cnb/extensions} read-only,
 * the plan scratch). The files a module writes or reads that this root process created ({@code
 * CNB_BUILD_PLAN_PATH}, {@code CNB_OUTPUT_DIR}, and {@code CNB_BP_PLAN_PATH}, which TOML writing
 * leaves mode 0600) are handed to the CNB user just before its module runs, as the reference
 * lifecycle, running as that user, would have created them.
 * Thread-safe (detect runs modules in parallel).
 */
final class BuilderSandbox implements BinaryRunner {
  /** The env entries naming files a module writes or reads that this process made for it. */
  private static final List<String> OWNED = List.of("CNB_BUILD_PLAN_PATH", "CNB_OUTPUT_DIR", "CNB_BP_PLAN_PATH");

  private final BinaryRunner sandboxed;
  private final SandboxUser user;

  private BuilderSandbox(BinaryRunner sandboxed, SandboxUser user) {
    this.sandboxed = sandboxed;
    this.user = user;
  }

  static BuilderSandbox of(ScratchSpace scratch, ImageState builder, BuilderTree tree, BuildWorkDir dir) {
    List<BindMount> mounts = new ArrayList<>();
    mounts.add(BindMount.readOnly(dir.app(), "/workspace"));
    mounts.add(BindMount.readOnly(dir.platform(), "/platform"));
    mounts.add(BindMount.readWrite(dir.layers(), "/layers"));
    mounts.add(BindMount.readWrite(dir.planScratch(), BindPlan.PLAN_TARGET));
    if (Files.isDirectory(tree.buildpacks())) {
      mounts.add(BindMount.readOnly(tree.buildpacks(), "/cnb/buildpacks"));
    }
    if (Files.isDirectory(tree.extensions())) {
      mounts.add(BindMount.readOnly(tree.extensions(), "/cnb/extensions"));
    }
    SandboxUser user = SandboxUser.of(tree.uid(), tree.gid());
    return new BuilderSandbox(new SandboxBinaryRunner(Sandbox.create(), scratch, builder, user, BindPlan.of(mounts),
        NetworkMode.HOST), user);
  }

  /**
   * The process env of the modules: the builder image's {@code Env}, with {@code HOME} and {@code
   * USER} of the CNB user's {@code /etc/passwd} entry (what a container of the builder run as that
   * user has).
   */
  static Map<String, String> environment(ImageState builder, int uid) {
    Map<String, String> env = ImageEnv.parse(builder.config().env());
    builder.stack().readText("/etc/passwd").ifPresent(passwd -> passwd.lines()
        .map(line -> line.split(":", -1))
        .filter(f -> f.length >= 7 && f[2].equals(Integer.toString(uid)))
        .findFirst()
        .ifPresent(f -> {
          env.putIfAbsent("HOME", f[5]);
          env.putIfAbsent("USER", f[0]);
        }));
    return env;
  }

  @Override
  public Execution run(Invocation invocation) {
    for (String key : OWNED) {
      String path = invocation.env().get(key);
      if (path != null) {
        try {
          chown(Path.of(path));
        } catch (IOException | RuntimeException e) {
          return new Execution(-1, "", Duration.ZERO, "cannot hand " + path + " to the CNB user " + user + ": "
              + e.getMessage());
        }
      }
    }
    return sandboxed.run(invocation);
  }

  private void chown(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(path)) {
      return;
    }
    Files.setAttribute(path, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
  }
}
