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
import dev.cnbfarm.lifecycle.extend.ImageEnv;
import dev.cnbfarm.lifecycle.extend.ImageUser;
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
    Map<String, String> env = ImageEnv.parse(state.config().env());
    Optional<Account> account = account(state, config.user().orElse(""));
    SandboxUser user = account.map(Account::user).orElse(SandboxUser.ROOT);
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
   * The sandbox user for a config {@code User}, resolved by the one rule extend uses ({@link
   * ImageUser}, decisions.md #10), and its home from the image's /etc/passwd ({@code /} when the
   * uid has no entry); empty for no user (root, HOME left as the image's env sets it).
   */
  static Optional<Account> account(ImageState image, String user) {
    if (user.isEmpty()) {
      return Optional.empty();
    }
    ImageUser resolved = ImageUser.resolve(user, image.stack()::readText);
    String home = image.stack().readText("/etc/passwd").flatMap(p -> PasswdEntry.byUid(p, resolved.uid()))
        .map(PasswdEntry::home).orElse("/");
    return Optional.of(new Account(SandboxUser.of(resolved.uid(), resolved.gid()), home));
  }

  /** Who {@code run} runs as, and its HOME. */
  record Account(SandboxUser user, String home) {}
}
