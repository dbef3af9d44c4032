package dev.cnbfarm.lifecycle.build;

import dev.cnbfarm.lifecycle.env.BuildEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where and with what a build runs (platform.md "builder" inputs): host paths of {@code <app>},
 * {@code <layers>}, {@code <platform>}, and a scratch dir for the per-buildpack plan files; the
 * {@link BuildEnv}; an env {@code underlay} below it (an image's config {@code Env}, or empty);
 * the {@code CNB_TARGET_*} variables; the time limit per {@code /bin/build}; who owns what the
 * builder creates. Paths are absolute and normalised. Immutable.
 */
public record BuildContext(
    Path app,
    Path layers,
    Path platform,
    Path planDir,
    BuildEnv buildEnv,
    Map<String, String> underlay,
    Map<String, String> targetEnv,
    Duration timeout,
    FileOwner owner) {

  public BuildContext {
    app = absolute(app, "app");
    layers = absolute(layers, "layers");
    platform = absolute(platform, "platform");
    planDir = absolute(planDir, "planDir");
    Objects.requireNonNull(buildEnv, "buildEnv");
    underlay = Map.copyOf(underlay);
    targetEnv = Map.copyOf(targetEnv);
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(owner, "owner");
  }

  /** A build of buildpacks run as the lifecycle's own user, with no env underlay. */
  public static BuildContext local(Path app, Path layers, Path platform, Path planDir, BuildEnv buildEnv,
      Map<String, String> targetEnv, Duration timeout) {
    return new BuildContext(app, layers, platform, planDir, buildEnv, Map.of(), targetEnv, timeout, FileOwner.NONE);
  }

  private static Path absolute(Path p, String what) {
    return Objects.requireNonNull(p, what).toAbsolutePath().normalize();
  }
}
