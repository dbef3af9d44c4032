package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.rootfs.OverlayMount;
import dev.cnbfarm.image.rootfs.RootfsPlan;
import dev.cnbfarm.image.rootfs.ScratchSpace;
import dev.cnbfarm.image.sandbox.LineSink;
import dev.cnbfarm.image.sandbox.NetworkMode;
import dev.cnbfarm.image.sandbox.Sandbox;
import dev.cnbfarm.image.sandbox.SandboxCommand;
import dev.cnbfarm.image.sandbox.SandboxResult;
import dev.cnbfarm.image.sandbox.SandboxRoot;
import dev.cnbfarm.image.sandbox.SandboxSpec;
import dev.cnbfarm.image.sandbox.SandboxUser;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs an image the way a container runtime would, without one: its layers (loaded once into the
 * rootfs cache) under a throw-away overlay in the sandbox, its {@code Entrypoint} followed by the
 * given args or else its {@code Cmd}, as its {@code User} (a name or id, resolved in the image's
 * {@code /etc/passwd} and {@code /etc/group}), with its {@code Env} and {@code WorkingDir}, on the
 * host network. Needs root, as the sandbox does. Thread-safe: runs are independent.
 */
public final class ImageRunner {
  private final Sandbox sandbox;
  private final ScratchSpace scratch;
  private final ImageLoader loader;
  private final Duration timeLimit;

  public ImageRunner(Sandbox sandbox, ScratchSpace scratch, ImageLoader loader, Duration timeLimit) {
    this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
    this.scratch = Objects.requireNonNull(scratch, "scratch");
    this.loader = Objects.requireNonNull(loader, "loader");
    this.timeLimit = Objects.requireNonNull(timeLimit, "timeLimit");
  }

  /**
   * Runs {@code image} and waits for it.
   *
   * @param args replace the image's {@code Cmd} when not empty
   * @param extraEnv set on top of the image's {@code Env}
   * @throws IllegalArgumentException when the image has no command, no layers, or a user its
   *     {@code /etc/passwd} or {@code /etc/group} does not know
   */
  public SandboxResult run(Image image, List<String> args, Map<String, String> extraEnv, LineSink stdout,
      LineSink stderr) {
    ImageConfig config = image.config();
    List<String> argv = new ArrayList<>(config.entrypoint());
    argv.addAll(args.isEmpty() ? config.cmd() : args);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("image " + image.ref() + " has no Entrypoint or Cmd and no command was given");
    }
    ImageState state = loader.load(image);
    if (state.layers().isEmpty()) {
      throw new IllegalArgumentException("image " + image.ref() + " has no layers");
    }
    Map<String, String> env = BuildRunner.imageEnv(state);
    Optional<PasswdEntry> account = account(state, config.user().orElse(""));
    SandboxUser user = account.map(a -> SandboxUser.of(a.uid(), a.gid())).orElse(SandboxUser.ROOT);
    account.ifPresent(a -> env.putIfAbsent("HOME", a.home()));
    env.putAll(extraEnv);
    try (OverlayMount mount = scratch.prepare(RootfsPlan.of(state.lowersTopFirst()))) {
      SandboxSpec spec = SandboxSpec.builder()
          .root(SandboxRoot.overlay(mount))
          .command(SandboxCommand.exec(argv))
          .env(env)
          .user(user)
          .workingDir(config.workingDir().filter(d -> !d.isEmpty()).orElse("/"))
          .timeLimit(timeLimit)
          .network(NetworkMode.HOST)
          .build();
      return sandbox.run(spec, stdout, stderr);
    }
  }

  /**
   * The account for a config {@code User} of {@code name|uid[:group|gid]}; empty for no user (root).
   * A numeric uid missing from /etc/passwd runs with its gid (or 0) and no HOME, as Docker does.
   */
  static Optional<PasswdEntry> account(ImageState image, String user) {
    if (user.isEmpty()) {
      return Optional.empty();
    }
    int colon = user.indexOf(':');
    String name = colon < 0 ? user : user.substring(0, colon);
    String group = colon < 0 ? "" : user.substring(colon + 1);
    String passwd = image.stack().readText("/etc/passwd").orElse("");
    PasswdEntry entry;
    if (name.matches("\\d+")) {
      int uid = Integer.parseInt(name);
      entry = PasswdEntry.byUid(passwd, uid).orElse(new PasswdEntry(name, uid, 0, "/"));
    } else {
      entry = PasswdEntry.byName(passwd, name).orElseThrow(() -> new IllegalArgumentException(
          "user '" + name + "' is not in the image's /etc/passwd"));
    }
    if (group.isEmpty()) {
      return Optional.of(entry);
    }
    int gid = group.matches("\\d+") ? Integer.parseInt(group)
        : PasswdEntry.groupId(image.stack().readText("/etc/group").orElse(""), group).orElseThrow(
            () -> new IllegalArgumentException("group '" + group + "' is not in the image's /etc/group"));
    return Optional.of(new PasswdEntry(entry.name(), entry.uid(), gid, entry.home()));
  }
}
