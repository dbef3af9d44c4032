package dev.cnbfarm.image.dockerfile;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The host directories of a build (platform.md "Inputs"): {@code <app>}, {@code <layers>}, {@code
 * <platform>}, {@code <build-config>} (operator env files; it may not exist), and a scratch dir for
 * the per-buildpack plan files. All absolute. Immutable.
 */
public record BuildDirs(Path app, Path layers, Path platform, Path buildConfig, Path planScratch) {
  public BuildDirs {
    app = absolute(app, "app");
    layers = absolute(layers, "layers");
    platform = absolute(platform, "platform");
    buildConfig = absolute(buildConfig, "buildConfig");
    planScratch = absolute(planScratch, "planScratch");
  }

  private static Path absolute(Path p, String what) {
    Objects.requireNonNull(p, what);
    return p.toAbsolutePath().normalize();
  }
}
