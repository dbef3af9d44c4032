package dev.cnbfarm.image.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The bubblewrap arguments of one run, written NUL-separated to a file that {@code bwrap --args}
 * reads, so neither the env nor a long command line meets the kernel's argv bounds on the way to
 * bubblewrap.
 *
 * <p>What they set up: a new root by {@code pivot_root} (the prepared root, bound recursively with
 * {@code nosuid,nodev}); a fresh {@code /proc} of a new PID namespace with runc's masked and
 * read-only paths; bubblewrap's minimal {@code /dev} ({@code null zero full random urandom tty},
 * {@code pts}, {@code shm}); new IPC, UTS and (where the kernel allows) cgroup namespaces, and a
 * network namespace with only loopback for {@link NetworkMode#NONE}; exactly the spec's env, cwd
 * and hostname; a new session (no {@code TIOCSTI} into a terminal); {@code no_new_privs}; the
 * {@link SeccompFilter}. Root steps keep {@link #rootCapabilities}; non-root steps get a user
 * namespace mapping only their uid and gid to themselves and no capability at all. Stateless.
 */
final class BwrapArgs {
  /** runc's masked paths under /proc that are files: bound to an unreadable /dev/null. */
  private static final List<String> MASKED_FILES =
      List.of(
          "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
          "/proc/timer_stats", "/proc/sched_debug", "/proc/sysrq-trigger");

  /** runc's masked directories under /proc: an empty read-only tmpfs over each. */
  private static final List<String> MASKED_DIRS =
      List.of("/proc/acpi", "/proc/scsi", "/proc/asound");

  /** runc's read-only paths under /proc. */
  private static final List<String> READ_ONLY = List.of("/proc/sys", "/proc/irq", "/proc/bus", "/proc/fs");

  /**
   * Docker's default capabilities without {@code MKNOD} (no device may be created, and the rootfs
   * is {@code nodev} anyway). With the host network, {@code NET_RAW} (packet sockets: sniffing and
   * spoofing on the host's interfaces) and {@code NET_BIND_SERVICE} (host ports below 1024) are
   * left out too: Docker grants them inside a network namespace of its own.
   */
  static List<String> rootCapabilities(NetworkMode network) {
    List<String> caps =
        new ArrayList<>(
            List.of(
                "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_SETGID",
                "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_SYS_CHROOT", "CAP_KILL",
                "CAP_AUDIT_WRITE"));
    if (network == NetworkMode.NONE) {
      caps.add("CAP_NET_RAW");
      caps.add("CAP_NET_BIND_SERVICE");
    }
    return caps;
  }

  private BwrapArgs() {}

  /**
   * The options (bubblewrap takes the command itself only from its real argv, after them); {@code
   * root} is the prepared root (see {@link SetupScript}), {@code scriptPath} where a long shell-form script is put, or null.
   */
  static List<String> of(SandboxSpec spec, Path root, String scriptPath) {
    List<String> a = new ArrayList<>();
    a.addAll(List.of("--bind", root.toString(), "/"));
    a.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--chmod", "1777", "/dev/shm"));
    for (String file : MASKED_FILES) {
      if (Files.exists(Path.of(file))) {
        a.addAll(List.of("--ro-bind", "/dev/null", file));
      }
    }
    for (String dir : MASKED_DIRS) {
      if (Files.isDirectory(Path.of(dir))) {
        a.addAll(List.of("--tmpfs", dir, "--remount-ro", dir));
      }
    }
    for (String dir : READ_ONLY) {
      if (Files.exists(Path.of(dir))) {
        a.addAll(List.of("--ro-bind", dir, dir));
      }
    }
    if (scriptPath != null) {
      a.addAll(List.of("--perms", "0444", "--file", Integer.toString(SetupScript.SCRIPT_FD), scriptPath));
    }
    a.addAll(List.of("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"));
    if (spec.network() == NetworkMode.NONE) {
      a.add("--unshare-net");
    }
    if (spec.user().uid() != 0) {
      a.addAll(List.of("--unshare-user", "--disable-userns"));
      a.addAll(List.of("--uid", Integer.toString(spec.user().uid())));
      a.addAll(List.of("--gid", Integer.toString(spec.user().gid())));
    } else {
      a.addAll(List.of("--cap-drop", "ALL"));
      for (String cap : rootCapabilities(spec.network())) {
        a.addAll(List.of("--cap-add", cap));
      }
    }
    a.addAll(List.of("--hostname", spec.hostname(), "--chdir", spec.workingDir()));
    a.add("--clearenv");
    for (Map.Entry<String, String> var : spec.env().entrySet()) {
      a.addAll(List.of("--setenv", var.getKey(), var.getValue()));
    }
    a.addAll(List.of("--die-with-parent", "--new-session"));
    a.addAll(List.of("--seccomp", Integer.toString(SetupScript.SECCOMP_FD)));
    return a;
  }

  /** NUL-terminated arguments, as {@code bwrap --args} reads them. */
  static byte[] encode(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String arg : args) {
      out.writeBytes(arg.getBytes(StandardCharsets.UTF_8));
      out.write(0);
    }
    return out.toByteArray();
  }
}
