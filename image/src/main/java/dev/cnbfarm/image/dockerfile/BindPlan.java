package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.sandbox.BindMount;
import dev.cnbfarm.lifecycle.buildpack.ModuleDescriptor;
import dev.cnbfarm.lifecycle.buildpack.ModuleStore;
import dev.cnbfarm.lifecycle.exec.Invocation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which host directories a sandboxed module sees, and where (design.md §5 "Sandbox"): {@code <app>}
 * at {@code /workspace}, {@code <layers>} at {@code /layers}, {@code <platform>} at {@code
 * /platform}, each buildpack at {@code /cnb/buildpacks/<escaped-id>/<version>}. It also rewrites an
 * {@link Invocation} written with host paths (as the lifecycle's phase logic writes them) into the
 * container's paths: the executable and working dir must lie under a bind; args and env values are
 * rewritten where they (or, in a {@code :}-separated list, an element of them) name a bound host
 * path, and kept as they are otherwise. Immutable.
 */
public final class BindPlan {
  /** Where the per-buildpack plan files are bound (a temp dir, as the reference lifecycle's). */
  public static final String PLAN_TARGET = "/tmp/cnbfarm-plan";

  private final List<BindMount> mounts;

  private BindPlan(List<BindMount> mounts) {
    this.mounts = List.copyOf(mounts);
  }

  /** A plan with exactly {@code mounts}; sources are compared as given (absolute, normalised). */
  public static BindPlan of(List<BindMount> mounts) {
    List<BindMount> normalised = new ArrayList<>();
    for (BindMount m : mounts) {
      normalised.add(new BindMount(m.source().toAbsolutePath().normalize(), m.target(), m.readOnly()));
    }
    return new BindPlan(normalised);
  }

  /**
   * The binds of the build after a build-image extension (extensions.md §6.4): app, layers and
   * plan dir read-write, platform and buildpacks read-only.
   */
  public static BindPlan forBuild(BuildDirs dirs, List<ModuleDescriptor> buildpacks) {
    List<BindMount> mounts = new ArrayList<>();
    mounts.add(BindMount.readWrite(dirs.app(), "/workspace"));
    mounts.add(BindMount.readWrite(dirs.layers(), "/layers"));
    mounts.add(BindMount.readOnly(dirs.platform(), "/platform"));
    mounts.add(BindMount.readWrite(dirs.planScratch(), PLAN_TARGET));
    Map<String, BindMount> seen = new LinkedHashMap<>();
    for (ModuleDescriptor bp : buildpacks) {
      String target = "/cnb/buildpacks/" + ModuleStore.escape(bp.id()) + "/" + bp.version();
      seen.putIfAbsent(target, BindMount.readOnly(bp.dir(), target));
    }
    mounts.addAll(seen.values());
    return of(mounts);
  }

  public List<BindMount> mounts() {
    return mounts;
  }

  /** The container path of a host path under one of the binds (the most specific one). */
  public Optional<String> toContainer(Path hostPath) {
    return toContainer(hostPath.toAbsolutePath().normalize().toString());
  }

  private Optional<String> toContainer(String host) {
    return mounts.stream()
        .filter(m -> isWithin(host, m.source().toString()))
        .max(Comparator.comparingInt(m -> m.source().toString().length()))
        .map(m -> m.target() + host.substring(m.source().toString().length()));
  }

  /** {@code value} with every bound host path (whole value or {@code :}-list element) mapped. */
  public String rewrite(String value) {
    if (value.indexOf('/') < 0) {
      return value;
    }
    String[] parts = value.split(":", -1);
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].startsWith("/")) {
        parts[i] = toContainer(parts[i]).orElse(parts[i]);
      }
    }
    return String.join(":", parts);
  }

  /**
   * The invocation with container paths.
   *
   * @throws IllegalArgumentException if the executable or working dir is under no bind
   */
  public Invocation rewrite(Invocation invocation) {
    String executable = toContainer(invocation.executable()).orElseThrow(() -> new IllegalArgumentException(
        "executable " + invocation.executable() + " is not under any bind of " + this));
    String workDir = toContainer(invocation.workDir()).orElseThrow(() -> new IllegalArgumentException(
        "working dir " + invocation.workDir() + " is not under any bind of " + this));
    List<String> args = invocation.args().stream().map(this::rewrite).toList();
    Map<String, String> env = new LinkedHashMap<>();
    invocation.env().forEach((k, v) -> env.put(k, rewrite(v)));
    return new Invocation(Path.of(executable), args, env, Path.of(workDir), invocation.timeout());
  }

  private static boolean isWithin(String path, String root) {
    return path.equals(root) || path.startsWith(root.endsWith("/") ? root : root + "/");
  }

  @Override
  public String toString() {
    return "BindPlan" + mounts.stream().map(m -> m.source() + "->" + m.target() + (m.readOnly() ? "(ro)" : ""))
        .toList();
  }
}
