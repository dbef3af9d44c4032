package dev.cnbfarm.detect;

import dev.cnbfarm.engine.PlatformDirectory;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One build's directories on this machine, under the worker's work root: {@code <app>}, {@code
 * <platform>}, {@code <layers>} (group, plan, analyzed, {@code <generated>}), detect's plan scratch
 * and a staging dir for blobs. A fresh, uniquely named dir per handled event, so a redelivery
 * running at the same time never shares it; its name never reaches an event. Deleted on close.
 */
final class BuildWorkDir implements AutoCloseable {
  private final Path root;

  private BuildWorkDir(Path root) {
    this.root = root;
  }

  static BuildWorkDir create(Path workRoot) {
    try {
      Files.createDirectories(workRoot);
      BuildWorkDir dir = new BuildWorkDir(Files.createTempDirectory(workRoot, "build-"));
      for (Path p : new Path[] {dir.app(), dir.platform().resolve("env"), dir.layers(), dir.planScratch()}) {
        Files.createDirectories(p);
      }
      return dir;
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.GENERIC, "cannot create a work dir under " + workRoot + ": "
          + e.getMessage(), e);
    }
  }

  Path root() {
    return root;
  }

  Path app() {
    return root.resolve("workspace");
  }

  Path platform() {
    return root.resolve("platform");
  }

  Path layers() {
    return root.resolve("layers");
  }

  /** detect's scratch: the per-module plan files (bound into the sandbox). */
  Path planScratch() {
    return root.resolve("plans");
  }

  /** The builder's {@code /etc/os-release}, copied here for target matching (may be absent). */
  Path osRelease() {
    return root.resolve("os-release");
  }

  /** Where blob files are staged while they are pushed or pulled. */
  Path blobs() {
    return root.resolve("blobs");
  }

  /** A build config dir that does not exist: the worker has no {@code <build-config>}. */
  Path buildConfig() {
    return root.resolve("build-config");
  }

  Path generated() {
    return layers().resolve("generated");
  }

  Path analyzed() {
    return layers().resolve("analyzed.toml");
  }

  Path plan() {
    return layers().resolve("plan.toml");
  }

  PlatformDirectory files() {
    Path layers = layers();
    return new PlatformDirectory(layers.resolve("group.toml"), plan(), analyzed(), generated(),
        layers.resolve("extended"), layers.resolve("report.toml"));
  }

  @Override
  public void close() {
    FileTrees.deleteQuietly(root);
  }
}
