package dev.cnbfarm.extend;

import dev.cnbfarm.engine.PlatformDirectory;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.toml.Toml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One build's directories on this worker, laid out as the lifecycle phases expect them ({@code
 * <app>}, {@code <layers>} with group.toml, plan.toml, analyzed.toml, {@code <generated>} and
 * {@code <extended>}, {@code <platform>/env}), filled from the detected event and the image store,
 * and deleted when closed: nothing of a build outlives its handling (design.md §8: a redelivered
 * event redoes the work). Not thread-safe; one per handled event.
 */
final class WorkDir implements AutoCloseable {
  private final Path root;

  private WorkDir(Path root) {
    this.root = root;
  }

  /** A fresh directory under {@code workRoot} (created if missing). */
  static WorkDir create(Path workRoot, String prefix) {
    try {
      Files.createDirectories(workRoot);
      WorkDir dir = new WorkDir(Files.createTempDirectory(workRoot, prefix).toAbsolutePath());
      for (Path p : new Path[] {dir.app(), dir.layers(), dir.platform().resolve("env"), dir.scratch()}) {
        Files.createDirectories(p);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a work dir under " + workRoot + ": " + e.getMessage(), e);
    }
  }

  Path root() {
    return root;
  }

  Path app() {
    return root.resolve("app");
  }

  Path layers() {
    return root.resolve("layers");
  }

  Path platform() {
    return root.resolve("platform");
  }

  /** {@code <build-config>}: the pipeline has none, so the path does not exist. */
  Path buildConfig() {
    return root.resolve("build-config");
  }

  /** Where tree blobs are staged while pulled. */
  Path scratch() {
    return root.resolve("scratch");
  }

  /** The platform files where the reference lifecycle puts them under {@code <layers>}. */
  PlatformDirectory files() {
    Path layers = layers();
    return new PlatformDirectory(layers.resolve("group.toml"), layers.resolve("plan.toml"),
        layers.resolve("analyzed.toml"), layers.resolve("generated"), layers.resolve("extended"),
        layers.resolve("report.toml"));
  }

  void writeGroup(Group group) {
    files().writeGroup(group);
  }

  void writePlan(String planToml) {
    write(layers().resolve("plan.toml"), planToml);
  }

  /**
   * analyzed.toml as the restorer would leave it for the extender: the detected event's, with the
   * build image and run image references pinned to what detect pinned (after a switch generate
   * leaves only the run image's name, decisions.md #4).
   */
  void writeAnalyzed(String analyzedToml, String buildImage, String runImage) {
    Map<String, Object> tree = Analyzed.parse(analyzedToml, "analyzedToml of the detected event").toToml();
    withReference(tree, "build-image", buildImage);
    withReference(tree, "run-image", runImage);
    Toml.write(layers().resolve("analyzed.toml"), tree);
  }

  @SuppressWarnings("unchecked")
  private static void withReference(Map<String, Object> tree, String table, String reference) {
    Map<String, Object> t = new LinkedHashMap<>(tree.get(table) instanceof Map<?, ?> m ? (Map<String, Object>) m
        : Map.of());
    t.put("reference", reference);
    tree.put(table, t);
  }

  /**
   * {@code <platform>/env/<NAME>} for each build-time variable (platform.md "Platform Environment
   * Variables"). A name is a file name here, so one that is empty, has a {@code /}, {@code =} or a
   * NUL, or is {@code .} or {@code ..} is refused before anything is written.
   */
  void writeEnv(Map<String, String> env) {
    for (String name : env.keySet()) {
      if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/") || name.contains("=")
          || name.indexOf('\0') >= 0) {
        throw new LifecycleException(FailureCode.INVALID_INPUT, "spec.env: '" + name.replace("\0", "\\0")
            + "' is not a usable variable name (it becomes the file <platform>/env/<name>)");
      }
    }
    env.forEach((name, value) -> write(platform().resolve("env").resolve(name), value));
  }

  /** Gives {@code dir} and everything in it to {@code uid:gid}, never following symlinks. */
  static void chown(Path dir, int uid, int gid) {
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
          own(d, uid, gid);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          own(file, uid, gid);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot give " + dir + " to " + uid + ":" + gid + ": " + e.getMessage(), e);
    }
  }

  private static void own(Path path, int uid, int gid) throws IOException {
    Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * The same failure with this work dir's paths spelled as the lifecycle's placeholders ({@code
   * <generated>/samples_x/build.Dockerfile:3: ...}): the dir is gone when the message is read, and
   * its random name means nothing to the person reading the failure event.
   */
  LifecycleException withPlaceholders(LifecycleException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    String shown = message.replace(layers().resolve("generated") + "/", "<generated>/")
        .replace(layers() + "/", "<layers>/").replace(app() + "/", "<app>/").replace(root + "/", "");
    return shown.equals(message) ? e : new LifecycleException(e.code(), e.category(), shown, e);
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    FileTrees.deleteQuietly(root);
  }
}
