/**
 * Runs commands chrooted into an image root in fresh Linux namespaces (design §5 and §9), without a
 * container engine: {@link dev.cnbfarm.image.sandbox.Sandbox#run} with a {@link
 * dev.cnbfarm.image.sandbox.SandboxSpec}.
 *
 * <p>Process tree: {@code setpriv --pdeathsig=KILL unshare --mount --pid --uts --ipc --fork
 * --kill-child [--net] sh setup.sh}; the host-sh setup script is PID 1 and mounts everything inside
 * the private mount namespace, then runs {@code env -i <env> unshare --root=<merged> --wd=<dir>
 * --setgid=<gid> --setuid=<uid> -- <argv>} as its child.
 *
 * <ul>
 *   <li><b>cwd</b>: {@code unshare --root --wd} chroots and changes directory as root before
 *       dropping to uid:gid, so nothing from the image (which may lack a shell) is needed.
 *   <li><b>Mount points</b>: missing ones are created in a per-step mount-point layer, the topmost
 *       overlay lower, never in the upper dir; the upper dir holds exactly the command's changes.
 *   <li><b>/etc/resolv.conf, /etc/hosts</b>: with the host network, the host's files are bound
 *       read-only (a mount-point file is supplied if the image lacks them, as Docker does; skipped
 *       if the image has a symlink there). Binding does not copy the file up.
 *   <li><b>Cleanup</b>: mounts never propagate to the host; they vanish with the namespace at exit,
 *       at the time limit (PID 1 is killed), and when the JVM dies (pdeathsig → {@code unshare}
 *       dies → {@code --kill-child} kills PID 1, which stays root so it keeps that signal).
 * </ul>
 */
package dev.cnbfarm.image.sandbox;
