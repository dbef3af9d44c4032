package dev.cnbfarm.image.sandbox;

import dev.cnbfarm.image.rootfs.OverlayMount;
import java.nio.file.Path;
import java.util.List;

/**
 * Renders the host-{@code sh} script that runs as PID 1 of the sandbox's outer mount and PID
 * namespaces: it joins the step's cgroups, mounts the root ({@code nodev,nosuid}) and the binds as
 * root in the private mount namespace, then {@code exec}s bubblewrap, which takes its arguments
 * from a file ({@link BwrapArgs}).
 *
 * <p>Why these choices:
 *
 * <ul>
 *   <li>The host's sh, not the image's: the image may have no shell at all.
 *   <li>The overlay and the binds are mounted here, as root, because a non-root step's bubblewrap
 *       runs unprivileged: it could neither mount an overlay nor reach bind sources below root-only
 *       host directories. It gets the prepared root at {@code <control>/root}, a path the step's
 *       uid can traverse, and binds it recursively, with the binds below it, as {@code /}.
 *   <li>Non-root steps drop to uid:gid with {@code setpriv} <em>before</em> bubblewrap, which then
 *       makes a user namespace mapping just that uid and gid to themselves: no capability in the
 *       host's user namespace, and an empty bounding set.
 *   <li>Root steps keep bubblewrap privileged (no user namespace: one mapped uid would break
 *       {@code apt-get}'s {@code _apt} user, and a multi-uid mapping needs idmapped mounts). {@code
 *       setpriv --bounding-set} first cuts the bounding set to what bubblewrap itself needs plus the
 *       step's capabilities; bubblewrap then drops every capability but the step's.
 *   <li>PID 1 stays tied to the JVM: {@code unshare --kill-child} kills it when {@code unshare}
 *       dies (which {@code setpriv --pdeathsig} ties to the JVM), and {@code bwrap
 *       --die-with-parent} re-arms the signal after the uid change.
 *   <li>Setup errors go to {@code setup.err} in the control dir and a {@code ready} file marks the
 *       hand-over to bubblewrap, so a failed mount is told apart from a failing command.
 * </ul>
 *
 * Stateless.
 */
final class SetupScript {
  /** File descriptors the script opens for bubblewrap. */
  static final int SECCOMP_FD = 5;
  static final int ARGS_FD = 6;
  static final int SCRIPT_FD = 7;

  /**
   * What bubblewrap itself needs (mounts, pivot_root, loopback, uid change) on top of the step's
   * capabilities, for a root step's bounding set.
   */
  private static final List<String> BWRAP_CAPS =
      List.of("sys_admin", "sys_chroot", "net_admin", "setuid", "setgid", "sys_ptrace");

  private SetupScript() {}

  static String render(
      SandboxSpec spec,
      List<BindMount> binds,
      Path control,
      HostTools tools,
      List<Path> cgroups,
      List<String> argv,
      boolean scriptFile) {
    StringBuilder s = new StringBuilder();
    s.append("set -eu\n");
    s.append("exec 3>&2 2>").append(quote(control.resolve("setup.err").toString())).append('\n');
    for (Path cgroup : cgroups) {
      s.append("echo 0 > ").append(quote(cgroup.resolve("cgroup.procs").toString())).append('\n');
    }
    mountRoot(spec.root(), control, s);
    for (BindMount bind : binds) {
      String target = "\"$R\"" + quote(bind.target());
      // util-linux turns "--bind -o ro" into the bind plus the read-only remount.
      s.append("mount --bind ").append(bind.readOnly() ? "-o ro " : "");
      s.append(quote(bind.source().toString())).append(' ').append(target).append('\n');
    }
    s.append(": > ").append(quote(control.resolve("ready").toString())).append('\n');
    s.append("exec 2>&3 3>&-\n");
    s.append("exec ");
    s.append(SECCOMP_FD).append('<').append(quote(control.resolve("seccomp").toString()));
    s.append(' ').append(ARGS_FD).append('<').append(quote(control.resolve("args").toString()));
    if (scriptFile) {
      s.append(' ').append(SCRIPT_FD).append('<');
      s.append(quote(control.resolve("script").toString()));
    }
    s.append("\nexec ").append(quote(tools.setpriv().toString()));
    if (spec.user().uid() == 0) {
      s.append(" --bounding-set -all");
      for (String cap : BWRAP_CAPS) {
        s.append(",+").append(cap);
      }
      for (String cap : BwrapArgs.rootCapabilities(spec.network())) {
        s.append(",+").append(cap.substring("CAP_".length()).toLowerCase(java.util.Locale.ROOT));
      }
    } else {
      s.append(" --reuid=").append(spec.user().uid()).append(" --regid=").append(spec.user().gid());
      s.append(" --clear-groups");
    }
    s.append(' ').append(quote(tools.bwrap().toString())).append(" --args ").append(ARGS_FD);
    s.append(" --");
    for (String arg : argv) {
      s.append(' ').append(quote(arg));
    }
    s.append('\n');
    return s.toString();
  }

  /**
   * Mounts the root at {@code <control>/root}: bubblewrap resolves its source path with the step's
   * uid, and the control dir (0711 below the sticky {@code /tmp}) is traversable where the scratch
   * space or a plain-directory root need not be.
   */
  private static void mountRoot(SandboxRoot root, Path control, StringBuilder s) {
    String target = quote(control.resolve("root").toString());
    if (root instanceof SandboxRoot.Overlay overlay) {
      OverlayMount mount = overlay.mount();
      // Relative option paths keep the mount(2) data under one page; see OverlayMount. nodev and
      // nosuid are mount flags, not data, so they do not count against it.
      s.append("cd ").append(quote(mount.stepDir().toString())).append('\n');
      s.append("mount -t overlay overlay -o ").append(quote("nodev,nosuid," + mount.options()));
      s.append(' ').append(target).append('\n');
    } else {
      s.append("mount --bind -o nodev,nosuid ");
      s.append(quote(((SandboxRoot.Directory) root).dir().toString())).append(' ').append(target);
      s.append('\n');
    }
    s.append("R=").append(target).append('\n');
  }

  /** Single-quotes {@code text} for sh; safe for any byte sequence without NUL. */
  static String quote(String text) {
    return "'" + text.replace("'", "'\"'\"'") + "'";
  }
}
