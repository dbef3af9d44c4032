package dev.cnbfarm.image.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cgroup(s) of one sandboxed run, holding its {@link SandboxLimits}. The setup script moves
 * itself in ({@code echo 0 > cgroup.procs}) before it starts bubblewrap, so every process of the
 * step is counted and none can leave (the sandbox has no cgroup file system).
 *
 * <p>cgroup v2 is used when the JVM's own cgroup offers the {@code pids} and {@code memory}
 * controllers to children; otherwise cgroup v1, one directory per controller ({@code pids}, {@code
 * memory}, {@code cpu}) below the JVM's own path in each hierarchy (hybrid hosts: v1 controllers
 * and an empty v2 at {@code /sys/fs/cgroup/unified}). When no controller is writable the run is
 * unlimited, said once at WARN. {@link #close()} kills what is left and removes the directories.
 * Used by one thread for one run.
 */
final class StepCgroup implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StepCgroup.class);
  private static final Path ROOT = Path.of("/sys/fs/cgroup");
  private static final AtomicBoolean WARNED = new AtomicBoolean();
  private static final long CPU_PERIOD_US = 100_000;

  private final SandboxLimits limits;
  private final List<Path> dirs = new ArrayList<>();
  private Path pidsDir;
  private Path memoryDir;
  private boolean v2;

  private StepCgroup(SandboxLimits limits) {
    this.limits = limits;
  }

  /** Creates the step's cgroup(s) and writes the limits; never fails the run (see class doc). */
  static StepCgroup create(SandboxLimits limits) {
    StepCgroup cgroup = new StepCgroup(limits);
    String name = "cnbfarm-sandbox-" + UUID.randomUUID();
    List<String> problems = new ArrayList<>();
    if (!cgroup.tryV2(name, problems)) {
      cgroup.tryV1(name, problems);
    }
    if (!problems.isEmpty() && WARNED.compareAndSet(false, true)) {
      log.warn(
          "sandbox resource limits partly or not enforced ({}); steps run without them",
          String.join("; ", problems));
    }
    return cgroup;
  }

  /** The directories whose {@code cgroup.procs} the setup script joins. */
  List<Path> dirs() {
    return List.copyOf(dirs);
  }

  /** The limits the run hit, as clear phrases naming the setting. */
  List<String> exceeded() {
    List<String> hit = new ArrayList<>();
    if (pidsDir != null && counter(pidsDir.resolve("pids.events"), "max") > 0) {
      hit.add(
          "hit the process limit of "
              + limits.pids()
              + " (" + SandboxLimits.PIDS + "); new processes were refused");
    }
    if (memoryDir != null) {
      long kills =
          v2
              ? counter(memoryDir.resolve("memory.events"), "oom_kill")
              : counter(memoryDir.resolve("memory.oom_control"), "oom_kill");
      if (kills > 0 && limits.memoryBytes().isPresent()) {
        hit.add(
            "hit the memory limit of "
                + SandboxLimits.describeBytes(limits.memoryBytes().getAsLong())
                + " (" + SandboxLimits.MEMORY + "); the kernel killed a process");
      }
    }
    return hit;
  }

  @Override
  public void close() {
    for (Path dir : dirs) {
      removeDir(dir);
    }
  }

  private boolean tryV2(String name, List<String> problems) {
    Path mount = Files.exists(ROOT.resolve("cgroup.controllers")) ? ROOT : ROOT.resolve("unified");
    Optional<String> own = ownPath("");
    if (own.isEmpty() || !Files.exists(mount.resolve("cgroup.controllers"))) {
      return false;
    }
    Path parent = mount.resolve(relative(own.get()));
    String available = read(parent.resolve("cgroup.controllers")).orElse("");
    if (!List.of(available.split("\\s+")).containsAll(List.of("pids", "memory"))) {
      return false;
    }
    try {
      String enable = "+pids +memory" + (available.contains("cpu") ? " +cpu" : "");
      Files.writeString(parent.resolve("cgroup.subtree_control"), enable);
      Path dir = Files.createDirectory(parent.resolve(name));
      dirs.add(dir);
      v2 = true;
      pidsDir = dir;
      memoryDir = dir;
      Files.writeString(dir.resolve("pids.max"), Long.toString(limits.pids()));
      if (limits.memoryBytes().isPresent()) {
        Files.writeString(dir.resolve("memory.max"), Long.toString(limits.memoryBytes().getAsLong()));
        write(dir.resolve("memory.swap.max"), "0");
      }
      if (limits.cpus().isPresent()) {
        Files.writeString(dir.resolve("cpu.max"), quota() + " " + CPU_PERIOD_US);
      }
      return true;
    } catch (IOException | RuntimeException e) {
      problems.add("cgroup v2 at " + parent + ": " + e.getMessage());
      close();
      dirs.clear();
      pidsDir = null;
      memoryDir = null;
      v2 = false;
      return false;
    }
  }

  private void tryV1(String name, List<String> problems) {
    pidsDir = v1Dir("pids", name, problems);
    if (pidsDir != null && !write(pidsDir.resolve("pids.max"), Long.toString(limits.pids()))) {
      problems.add("cannot write " + pidsDir.resolve("pids.max"));
    }
    if (limits.memoryBytes().isPresent()) {
      memoryDir = v1Dir("memory", name, problems);
      String bytes = Long.toString(limits.memoryBytes().getAsLong());
      if (memoryDir != null && !write(memoryDir.resolve("memory.limit_in_bytes"), bytes)) {
        problems.add("cannot write " + memoryDir.resolve("memory.limit_in_bytes"));
      }
      if (memoryDir != null && Files.exists(memoryDir.resolve("memory.memsw.limit_in_bytes"))) {
        write(memoryDir.resolve("memory.memsw.limit_in_bytes"), bytes);
      }
    }
    if (limits.cpus().isPresent()) {
      Path cpu = v1Dir("cpu", name, problems);
      if (cpu != null) {
        write(cpu.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_US));
        if (!write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(quota()))) {
          problems.add("cannot write " + cpu.resolve("cpu.cfs_quota_us"));
        }
      }
    }
  }

  private long quota() {
    return Math.max(1000, Math.round(limits.cpus().getAsDouble() * CPU_PERIOD_US));
  }

  private Path v1Dir(String controller, String name, List<String> problems) {
    Path hierarchy = ROOT.resolve(controller);
    Optional<String> own = ownPath(controller);
    if (own.isEmpty() || !Files.isDirectory(hierarchy)) {
      problems.add("no cgroup v1 " + controller + " controller at " + hierarchy);
      return null;
    }
    try {
      Path dir = Files.createDirectory(hierarchy.resolve(relative(own.get())).resolve(name));
      dirs.add(dir);
      return dir;
    } catch (IOException | RuntimeException e) {
      problems.add("cannot create a " + controller + " cgroup: " + e.getMessage());
      return null;
    }
  }

  /** Our path in the hierarchy holding {@code controller} ("" for v2), from /proc/self/cgroup. */
  private static Optional<String> ownPath(String controller) {
    for (String line : read(Path.of("/proc/self/cgroup")).orElse("").split("\n")) {
      String[] fields = line.split(":", 3);
      if (fields.length == 3 && List.of(fields[1].split(",")).contains(controller)) {
        return Optional.of(fields[2]);
      }
      if (fields.length == 3 && controller.isEmpty() && fields[1].isEmpty()) {
        return Optional.of(fields[2]);
      }
    }
    return Optional.empty();
  }

  private static String relative(String path) {
    String stripped = path.replaceFirst("^/+", "");
    if (stripped.contains("..")) {
      throw new IllegalStateException("odd cgroup path " + path);
    }
    return stripped;
  }

  /** Kills what is left in {@code dir} (normally nothing: the namespace died) and removes it. */
  private static void removeDir(Path dir) {
    for (int attempt = 0; attempt < 50; attempt++) {
      for (String pid : read(dir.resolve("cgroup.procs")).orElse("").split("\\s+")) {
        if (!pid.isEmpty()) {
          ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
      try {
        Files.deleteIfExists(dir);
        return;
      } catch (IOException e) {
        sleep();
      }
    }
    log.warn("cannot remove sandbox cgroup {}", dir);
  }

  private static void sleep() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long counter(Path file, String key) {
    for (String line : read(file).orElse("").split("\n")) {
      String[] fields = line.strip().split("\\s+");
      if (fields.length == 2 && fields[0].equals(key)) {
        try {
          return Long.parseLong(fields[1]);
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 0;
  }

  private static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static boolean write(Path file, String value) {
    try {
      Files.writeString(file, value);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
