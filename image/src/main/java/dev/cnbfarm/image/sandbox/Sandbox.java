package dev.cnbfarm.image.sandbox;

import dev.cnbfarm.lifecycle.failure.CancelledException;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one command confined to a {@link SandboxRoot} under bubblewrap: a new root by {@code
 * pivot_root}, fresh mount, PID, IPC, UTS and cgroup namespaces (plus a network namespace for
 * {@link NetworkMode#NONE}), a clean env, a numeric uid:gid (non-root in a user namespace of its
 * own), seccomp, a per-step cgroup with the {@link SandboxLimits}, a time limit and line-by-line
 * output. Needs root, util-linux {@code unshare}/{@code setpriv} and {@code bwrap}.
 *
 * <p>The overlay and the binds are mounted by the setup script inside the new, private mount
 * namespace, so none is ever visible on the host, and all vanish with the namespace: at normal
 * exit, at the time limit (the sandbox kills PID 1 of the namespace, and the kernel kills the
 * rest), and when the JVM dies ({@code setpriv --pdeathsig KILL} kills {@code unshare}, whose
 * {@code --kill-child} kills PID 1, and bubblewrap's {@code --die-with-parent} its children). See
 * {@link SetupScript} and {@link BwrapArgs} for what is set up, and {@link MountPoints} for how
 * mount points stay out of the upper dir.
 *
 * <p>Thread-safe: runs are independent; {@link #run} blocks its calling thread for the run (which
 * matters: the parent-death signal is tied to that thread).
 */
public final class Sandbox {
  private static final Logger log = LoggerFactory.getLogger(Sandbox.class);
  private static final Duration REAP_GRACE = Duration.ofSeconds(10);
  private static final int SETUP_ERR_LIMIT = 4096;

  /** Where a long shell-form script appears in the sandbox: bubblewrap's private /dev tmpfs. */
  static final String SCRIPT_PATH = "/dev/.cnbfarm-run-script";

  private static final int MAX_ARG_BYTES = 128 * 1024 - 4096;

  private final HostTools tools;
  private final SandboxLimits limits;
  private final byte[] seccomp;

  private Sandbox(HostTools tools, SandboxLimits limits) {
    this.tools = tools;
    this.limits = limits;
    this.seccomp = SeccompFilter.program(SeccompFilter.host());
  }

  /**
   * A sandbox using the host's tools, with the limits of the {@code CNBFARM_SANDBOX_*} settings in
   * the process env (see {@link SandboxLimits#fromEnv}).
   *
   * @throws SandboxException if {@code unshare}, {@code setpriv}, {@code bwrap} etc. are missing
   * @throws IllegalArgumentException naming every bad {@code CNBFARM_SANDBOX_*} setting
   */
  public static Sandbox create() {
    return create(SandboxLimits.fromEnv(System.getenv()));
  }

  /**
   * A sandbox using the host's tools and the given limits.
   *
   * @throws SandboxException if {@code unshare}, {@code setpriv}, {@code bwrap} etc. are missing
   */
  /** The per-step limits this sandbox applies. */
  public SandboxLimits limits() {
    return limits;
  }

  public static Sandbox create(SandboxLimits limits) {
    return new Sandbox(HostTools.locate(), limits);
  }

  /**
   * Runs {@code spec} to completion or its time limit, streaming output lines to the sinks.
   *
   * @return the exit code, elapsed time and whether the limit was hit
   * @throws IllegalArgumentException if a mount point cannot be placed in the root
   * @throws SandboxException if the namespaces or mounts could not be set up (message carries the
   *     setup error) or a sink threw
   * @throws CancelledException if the thread was interrupted (the run is killed first, and the
   *     interrupt flag restored)
   */
  public SandboxResult run(SandboxSpec spec, LineSink stdout, LineSink stderr) {
    Path control = createControlDir();
    try (StepCgroup cgroup = StepCgroup.create(limits)) {
      List<BindMount> binds = MountPoints.prepare(spec);
      Files.createDirectory(control.resolve("root"));
      Files.setAttribute(control, "unix:mode", 0711);
      List<String> argv = spec.command().argv();
      boolean scriptFile = needsScriptFile(spec.command());
      if (scriptFile) {
        String script = argv.get(argv.size() - 1);
        Files.writeString(control.resolve("script"), script);
        argv = new ArrayList<>(argv.subList(0, argv.size() - 1));
        argv.add(". " + SCRIPT_PATH);
      }
      Files.write(control.resolve("seccomp"), seccomp);
      Files.write(
          control.resolve("args"),
          BwrapArgs.encode(
              BwrapArgs.of(spec, control.resolve("root"), scriptFile ? SCRIPT_PATH : null)));
      Files.writeString(
          control.resolve("setup.sh"),
          SetupScript.render(spec, binds, control, tools, cgroup.dirs(), argv, scriptFile));
      SandboxResult result = execute(spec, control, stdout, stderr);
      List<String> exceeded = new ArrayList<>(cgroup.exceeded());
      exceeded.addAll(result.limitsExceeded());
      return exceeded.isEmpty()
          ? result
          : new SandboxResult(result.exitCode(), result.elapsed(), result.timedOut(), exceeded);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare sandbox", e);
    } finally {
      deleteControlDir(control);
    }
  }

  /**
   * Whether a shell-form script is too long for one argument ({@code MAX_ARG_STRLEN}, 128 KiB with
   * its NUL; a margin is kept) and must reach the shell as a file.
   */
  static boolean needsScriptFile(SandboxCommand command) {
    List<String> argv = command.argv();
    return command.shellForm()
        && argv.get(argv.size() - 1).getBytes(StandardCharsets.UTF_8).length > MAX_ARG_BYTES;
  }

  private SandboxResult execute(SandboxSpec spec, Path control, LineSink stdout, LineSink stderr)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command(spec, control));
    builder.environment().clear();
    builder.environment().put("PATH", HostTools.SETUP_PATH);
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    long start = System.nanoTime();
    Process process = builder.start();
    DiskWatchdog disk =
        DiskWatchdog.start(
            tools.du(),
            writableTrees(spec),
            spec.root() instanceof SandboxRoot.Overlay && spec.binds().stream().allMatch(BindMount::readOnly),
            limits.diskBytes(),
            () -> kill(process));
    LinePump out = new LinePump(process.getInputStream(), stdout);
    LinePump err = new LinePump(process.getErrorStream(), stderr);
    Thread outThread = startPump(out, "sandbox-stdout-" + process.pid());
    Thread errThread = startPump(err, "sandbox-stderr-" + process.pid());
    boolean timedOut;
    try {
      timedOut = !process.waitFor(spec.timeLimit().toNanos(), TimeUnit.NANOSECONDS);
      if (timedOut) {
        log.debug("sandbox {} hit its {} limit, killing", process.pid(), spec.timeLimit());
        killNamespace(process);
      }
      outThread.join(REAP_GRACE.toMillis());
      errThread.join(REAP_GRACE.toMillis());
    } catch (InterruptedException e) {
      disk.close();
      killNamespace(process);
      Thread.currentThread().interrupt();
      throw new CancelledException("running " + spec.command().argv(), e);
    }
    // 128+SIGKILL if unshare somehow outlived the kill (logged above).
    int exitCode = process.isAlive() ? 137 : process.exitValue();
    List<String> diskNotes;
    try {
      diskNotes = disk.finish(timedOut || exitCode != 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancelledException("running " + spec.command().argv(), e);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    if (!timedOut && !Files.exists(control.resolve("ready"))) {
      throw new SandboxException(
          "sandbox setup failed (exit " + exitCode + "): " + setupErrors(control));
    }
    Optional<RuntimeException> sinkFailure = out.failure().or(err::failure);
    if (sinkFailure.isPresent()) {
      throw new SandboxException("output sink failed", sinkFailure.get());
    }
    return new SandboxResult(exitCode, elapsed, timedOut, diskNotes);
  }

  /**
   * The host trees a step's writes land in, which its disk budget covers: the overlay's upper dir
   * (or a plain-directory root) and the sources of its read-write binds.
   */
  static List<Path> writableTrees(SandboxSpec spec) {
    List<Path> trees = new ArrayList<>();
    if (spec.root() instanceof SandboxRoot.Overlay overlay) {
      trees.add(overlay.mount().upperDir());
    } else if (spec.root() instanceof SandboxRoot.Directory directory) {
      trees.add(directory.dir());
    }
    for (BindMount bind : spec.binds()) {
      if (!bind.readOnly()) {
        trees.add(bind.source());
      }
    }
    return trees;
  }

  /** What the time limit does, without waiting: kills PID 1 of the namespace, then unshare. */
  private static void kill(Process process) {
    process.toHandle().children().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private List<String> command(SandboxSpec spec, Path control) {
    List<String> cmd = new ArrayList<>();
    cmd.add(tools.setpriv().toString());
    cmd.add("--pdeathsig=KILL");
    cmd.add(tools.unshare().toString());
    // --mount-proc: bubblewrap reads /proc/<pid> of its child by the pid in this namespace, so
    // /proc must be this namespace's (the host's /proc would show another process or none).
    cmd.addAll(
        List.of(
            "--mount", "--pid", "--fork", "--kill-child", "--propagation=private", "--mount-proc"));
    cmd.add(tools.sh().toString());
    cmd.add(control.resolve("setup.sh").toString());
    return cmd;
  }

  /**
   * Kills PID 1 of the namespace (the kernel then kills every other process in it), then {@code
   * unshare}, and waits for them to be reaped so nothing holds the overlay afterwards.
   */
  private static void killNamespace(Process process) {
    List<ProcessHandle> namespaceInit = process.toHandle().children().toList();
    namespaceInit.forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    boolean interrupted = false;
    while (true) {
      try {
        if (!process.waitFor(REAP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn("sandbox process {} survived SIGKILL for {}", process.pid(), REAP_GRACE);
        }
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static Thread startPump(LinePump pump, String name) {
    Thread thread = new Thread(pump, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static String setupErrors(Path control) throws IOException {
    Path file = control.resolve("setup.err");
    if (!Files.exists(file)) {
      return "(no setup output)";
    }
    byte[] bytes = Files.readAllBytes(file);
    int length = Math.min(bytes.length, SETUP_ERR_LIMIT);
    return new String(bytes, 0, length, StandardCharsets.UTF_8).strip();
  }

  private static Path createControlDir() {
    try {
      return Files.createTempDirectory("cnbfarm-sandbox-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create sandbox control dir", e);
    }
  }

  private static void deleteControlDir(Path control) {
    if (!FileTrees.deleteQuietly(control)) {
      log.debug("cannot delete sandbox control dir {}", control);
    }
  }

}
