package dev.cnbfarm.image.sandbox;

import dev.cnbfarm.image.rootfs.OverlayMount;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Renders the host-{@code sh} script that runs as PID 1 of the sandbox's namespaces: it mounts the
 * root, {@code /proc}, a minimal {@code /dev} and the binds, sets the hostname, then starts the
 * command through {@code env -i} and {@code unshare --root --wd --setgid --setuid}.
 *
 * <p>Why these choices:
 *
 * <ul>
 *   <li>The host's sh, not the image's: the image may have no shell at all.
 *   <li>{@code unshare --root=R --wd=D} does {@code chroot(R)} then {@code chdir(D)} as root, and
 *       only then {@code setgid}/{@code setuid} (clearing supplementary groups) and exec. So the
 *       working dir is entered inside the new root without needing any program from the image, and
 *       {@code chroot} still runs with the privilege it needs. coreutils {@code chroot} cannot do
 *       this: it always {@code chdir("/")}.
 *   <li>The command runs as a child of this script, not by {@code exec}: a non-root command loses
 *       the parent-death signal when its uid changes, so PID 1 stays a root shell that does keep
 *       it. When the {@code unshare} parent (and with it the JVM, via {@code setpriv --pdeathsig})
 *       dies, PID 1 is killed, and the kernel kills the rest of the PID namespace. The command is
 *       therefore PID 2, not PID 1.
 *   <li>Setup errors go to {@code setup.err} in the control dir and a {@code ready} file marks the
 *       hand-over to the command, so a failed mount is told apart from a failing command.
 * </ul>
 *
 * Stateless.
 */
final class SetupScript {
  private static final List<String> DEVICES =
      List.of("null", "zero", "full", "random", "urandom", "tty");

  private SetupScript() {}

  static String render(SandboxSpec spec, List<BindMount> binds, Path control, HostTools tools) {
    StringBuilder s = new StringBuilder();
    s.append("set -eu\n");
    s.append("exec 3>&2 2>").append(quote(control.resolve("setup.err").toString())).append('\n');
    mountRoot(spec.root(), s);
    s.append("mount -t proc -o nosuid,nodev,noexec proc \"$R/proc\"\n");
    mountDev(control.resolve("dev"), s);
    for (BindMount bind : binds) {
      String target = "\"$R\"" + quote(bind.target());
      // util-linux turns "--bind -o ro" into the bind plus the read-only remount.
      s.append("mount --bind ").append(bind.readOnly() ? "-o ro " : "");
      s.append(quote(bind.source().toString())).append(' ').append(target).append('\n');
    }
    s.append("printf '%s' ")
        .append(quote(spec.hostname()))
        .append(" > /proc/sys/kernel/hostname\n");
    s.append(": > ").append(quote(control.resolve("ready").toString())).append('\n');
    s.append("exec 2>&3 3>&-\n");
    s.append("set +e\n");
    s.append(quote(tools.env().toString())).append(" -i --");
    for (Map.Entry<String, String> var : spec.env().entrySet()) {
      s.append(' ').append(quote(var.getKey() + "=" + var.getValue()));
    }
    s.append(' ').append(quote(tools.unshare().toString()));
    s.append(" --root=\"$R\" --wd=").append(quote(spec.workingDir()));
    s.append(" --setgid=").append(spec.user().gid()).append(" --setuid=").append(spec.user().uid());
    s.append(" --");
    for (String arg : spec.command().argv()) {
      s.append(' ').append(quote(arg));
    }
    s.append("\nstatus=$?\nexit \"$status\"\n");
    return s.toString();
  }

  private static void mountRoot(SandboxRoot root, StringBuilder s) {
    if (root instanceof SandboxRoot.Overlay overlay) {
      OverlayMount mount = overlay.mount();
      // Relative option paths keep the mount(2) data under one page; see OverlayMount.
      s.append("cd ").append(quote(mount.stepDir().toString())).append('\n');
      s.append("mount -t overlay overlay -o ").append(quote(mount.options())).append(" merged\n");
      s.append("R=").append(quote(mount.mergedDir().toString())).append('\n');
    } else {
      s.append("R=").append(quote(((SandboxRoot.Directory) root).dir().toString())).append('\n');
    }
  }

  /**
   * A 64 MiB tmpfs on {@code /dev}, filled by one {@code cp -a} of the host's device nodes (same
   * major/minor, mode 0666) and of the control dir's {@code dev/} template (the usual symlinks and
   * the {@code pts}/{@code shm} dirs), then a private devpts instance. One process instead of a
   * dozen {@code mknod}/{@code ln} calls keeps the per-step overhead low. {@code /dev/shm} is a
   * plain 1777 dir on that tmpfs rather than its own mount, for the same reason.
   */
  private static void mountDev(Path template, StringBuilder s) {
    s.append("mount -t tmpfs -o nosuid,mode=0755,size=65536k dev \"$R/dev\"\n");
    s.append("cp -a");
    for (String device : DEVICES) {
      s.append(" /dev/").append(device);
    }
    for (String entry : DevTemplate.ENTRIES) {
      s.append(' ').append(quote(template.resolve(entry).toString()));
    }
    s.append(" \"$R/dev/\"\n");
    s.append(
        "mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,nosuid,noexec devpts"
            + " \"$R/dev/pts\"\n");
  }

  /** Single-quotes {@code text} for sh; safe for any byte sequence without NUL. */
  static String quote(String text) {
    return "'" + text.replace("'", "'\"'\"'") + "'";
  }
}
