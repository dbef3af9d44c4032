package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.sandbox.SandboxUser;
import dev.cnbfarm.lifecycle.buildpack.ModuleDescriptor;
import dev.cnbfarm.lifecycle.buildpack.ModuleKind;
import dev.cnbfarm.lifecycle.buildpack.ModuleRef;
import dev.cnbfarm.lifecycle.buildpack.ModuleStore;
import dev.cnbfarm.lifecycle.env.BuildEnv;
import dev.cnbfarm.lifecycle.env.TargetEnv;
import dev.cnbfarm.lifecycle.exec.BinaryRunner;
import dev.cnbfarm.lifecycle.exec.Execution;
import dev.cnbfarm.lifecycle.exec.Invocation;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.platform.Plan;
import dev.cnbfarm.lifecycle.toml.Toml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The build that follows a build-image extension (extensions.md §6.4, §7): each buildpack of {@code
 * group.toml}, in order, runs {@code /bin/build <layers>/<id> <platform> <plan>} on the extended
 * image as {@code <uid>:<gid>}, with the buildpack env of buildpack.md (platform env through {@link
 * BuildEnv}, {@code CNB_*} variables, {@code CNB_TARGET_*} from the run image for Buildpack API ≥
 * 0.10) laid over the extended image's config {@code Env} (each entry split on its first {@code =},
 * decisions.md #9), and {@code HOME}/{@code USER} of that uid from the image's {@code /etc/passwd}.
 * The layers dir is given to the uid first. A non-zero exit fails with exit code 51 naming the
 * buildpack. Afterwards {@code <layers>/config/metadata.toml} lists the buildpacks and extensions.
 *
 * <p>Left to the build-phase issue: layer TOMLs, {@code launch.toml}, {@code build.toml}, env dirs
 * between buildpacks, SBOMs. Thread-safe if the runner is; one build per layers dir at a time.
 */
public final class BuildRunner {
  private final BinaryRunner runner;
  private final ModuleStore modules;
  private final BuildDirs dirs;
  private final Duration timeout;

  public BuildRunner(BinaryRunner runner, ModuleStore modules, BuildDirs dirs, Duration timeout) {
    this.runner = runner;
    this.modules = modules;
    this.dirs = dirs;
    this.timeout = timeout;
  }

  /** The descriptors of the group's buildpacks, in order (for {@link BindPlan#forBuild}). */
  public static List<ModuleDescriptor> buildpacks(ModuleStore modules, Group group) {
    return group.buildpacks().stream()
        .map(e -> modules.lookup(new ModuleRef(ModuleKind.BUILDPACK, e.id(), e.version(), false)))
        .toList();
  }

  /**
   * Runs the group's buildpacks.
   *
   * @param plan plan.toml as generate left it (entries met by extensions already removed)
   * @param analyzed gives the run image target for {@code CNB_TARGET_*}
   * @param extended the build image after every build.Dockerfile
   * @param user the {@code <uid>:<gid>} of the build
   * @throws LifecycleException {@link FailureCode#BUILD_FAILED} when a buildpack fails, {@link
   *     FailureCode#EXTEND_ERROR} when the uid has no entry in the image's /etc/passwd
   */
  public List<BuildpackRun> run(Group group, Plan plan, Analyzed analyzed, ImageState extended, SandboxUser user) {
    Map<String, String> imageEnv = imageEnv(extended);
    PasswdEntry account = account(extended, user);
    imageEnv.put("HOME", account.home());
    imageEnv.put("USER", account.name());
    BuildEnv buildEnv = new BuildEnv(imageEnv, dirs.platform(), dirs.buildConfig());
    Map<String, String> targetEnv = TargetEnv.of(analyzed.runImageTarget());
    io(() -> HostTrees.ensureOwner(dirs.layers(), user.uid(), user.gid()), "cannot chown " + dirs.layers());
    List<BuildpackRun> runs = new ArrayList<>();
    for (ModuleDescriptor bp : buildpacks(modules, group)) {
      Map<String, String> env = new TreeMap<>(imageEnv);
      env.putAll(buildEnv.forModule(bp.clearEnv()));
      runs.add(build(bp, plan, env, bp.api().atLeast("0.10") ? targetEnv : Map.of(), user));
    }
    writeMetadata(group, user);
    return runs;
  }

  private BuildpackRun build(ModuleDescriptor bp, Plan plan, Map<String, String> env, Map<String, String> targetEnv,
      SandboxUser user) {
    Path bin = bp.binary("build");
    if (!Files.isRegularFile(bin)) {
      throw new LifecycleException(FailureCode.BUILD_ERROR, "buildpack " + bp.coordinates() + " has no " + bin);
    }
    Path layers = dirs.layers().resolve(ModuleStore.escape(bp.id()));
    Path planFile = dirs.planScratch().resolve(ModuleStore.escape(bp.id())).resolve("plan.toml");
    io(() -> {
      Files.createDirectories(layers);
      HostTrees.chown(layers, user.uid(), user.gid());
      Plan.writeBuildpackPlan(planFile, plan.requirementsFor(bp.id(), false));
      HostTrees.chown(planFile.getParent(), user.uid(), user.gid());
      HostTrees.chown(planFile, user.uid(), user.gid());
    }, "cannot prepare the build of " + bp.coordinates());
    env.put("CNB_BUILDPACK_DIR", bp.dir().toString());
    env.put("CNB_LAYERS_DIR", layers.toString());
    env.put("CNB_PLATFORM_DIR", dirs.platform().toString());
    env.put("CNB_BP_PLAN_PATH", planFile.toString());
    env.putAll(targetEnv);
    Execution ex = runner.run(new Invocation(bin,
        List.of(layers.toString(), dirs.platform().toString(), planFile.toString()), env, dirs.app(), timeout));
    if (!ex.started()) {
      throw new LifecycleException(FailureCode.BUILD_FAILED, "buildpack " + bp.coordinates()
          + ": cannot run /bin/build: " + ex.startError() + tail(ex.output()));
    }
    if (ex.exitCode() != 0) {
      throw new LifecycleException(FailureCode.BUILD_FAILED, "buildpack " + bp.coordinates()
          + ": /bin/build exited " + ex.exitCode() + tail(ex.output()));
    }
    return new BuildpackRun(bp.id(), bp.version(), ex);
  }

  /** The image config's {@code Env}, each entry split on its first '=' (decisions.md #9). */
  static Map<String, String> imageEnv(ImageState image) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String entry : image.config().env()) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return env;
  }

  private static PasswdEntry account(ImageState image, SandboxUser user) {
    return image.stack().readText("/etc/passwd")
        .flatMap(passwd -> PasswdEntry.byUid(passwd, user.uid()))
        .orElseThrow(() -> new LifecycleException(FailureCode.EXTEND_ERROR,
            "uid " + user.uid() + " is not in the extended build image's /etc/passwd, so HOME cannot be set"));
  }

  /** {@code <layers>/config/metadata.toml}: {@code [[buildpacks]]} and {@code [[extensions]]} (§7). */
  private void writeMetadata(Group group, SandboxUser user) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("buildpacks", group.buildpacks().stream().map(BuildRunner::module).toList());
    if (!group.extensions().isEmpty()) {
      metadata.put("extensions", group.extensions().stream().map(BuildRunner::module).toList());
    }
    Path file = dirs.layers().resolve("config").resolve("metadata.toml");
    Toml.write(file, metadata);
    io(() -> {
      HostTrees.chown(file.getParent(), user.uid(), user.gid());
      HostTrees.chown(file, user.uid(), user.gid());
    }, "cannot chown " + file);
  }

  private static Map<String, Object> module(GroupEntry entry) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", entry.id());
    m.put("version", entry.version());
    m.put("api", entry.api());
    return m;
  }

  /** The last lines of a module's output, for the failure message. */
  static String tail(String output) {
    String trimmed = output.strip();
    if (trimmed.isEmpty()) {
      return "";
    }
    int max = 2000;
    return ":\n" + (trimmed.length() <= max ? trimmed : "…" + trimmed.substring(trimmed.length() - max));
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static void io(IoAction action, String message) {
    try {
      action.run();
    } catch (IOException e) {
      throw new UncheckedIOException(message, e);
    }
  }
}
