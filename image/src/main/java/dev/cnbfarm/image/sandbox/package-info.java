/**
 * Runs commands confined to an image root (design §5 and §9, issue 12), without a container
 * engine: {@link dev.cnbfarm.image.sandbox.Sandbox#run} with a {@link
 * dev.cnbfarm.image.sandbox.SandboxSpec}, under Debian's bubblewrap.
 *
 * <p>Process tree: {@code setpriv --pdeathsig=KILL unshare --mount --pid --fork --kill-child sh
 * setup.sh}; the host-sh setup script joins the step's cgroup ({@link
 * dev.cnbfarm.image.sandbox.StepCgroup}), mounts the overlay ({@code nodev,nosuid}) and the binds
 * inside the private mount namespace, then {@code exec}s {@code [setpriv --reuid --regid] bwrap
 * --args <file> -- <argv>} ({@link dev.cnbfarm.image.sandbox.BwrapArgs}): {@code pivot_root} into
 * the root, new PID/IPC/UTS/cgroup namespaces, {@code /proc} with masked paths, a minimal {@code
 * /dev}, the clean env, the seccomp filter ({@link dev.cnbfarm.image.sandbox.SeccompFilter}), a
 * user namespace mapping only the uid for non-root steps and Docker's capabilities for root ones.
 *
 * <ul>
 *   <li><b>Mount points</b>: missing ones are created in a per-step mount-point layer, the topmost
 *       overlay lower, never in the upper dir; the upper dir holds exactly the command's changes.
 *       Bubblewrap's own mounts ({@code /proc}, {@code /dev}, the masks) go on existing dirs or
 *       into its own tmpfs, so they add nothing either.
 *   <li><b>/etc/resolv.conf, /etc/hosts</b>: with the host network, the host's files are bound
 *       read-only (a mount-point file is supplied if the image lacks them, as Docker does; skipped
 *       if the image has a symlink there). Binding does not copy the file up.
 *   <li><b>Cleanup</b>: mounts never propagate to the host; they vanish with the namespace at exit,
 *       at the time limit (PID 1 of the outer namespace is killed), and when the JVM dies
 *       (pdeathsig → {@code unshare} dies → {@code --kill-child} and bubblewrap's {@code
 *       --die-with-parent} kill the rest). The step's cgroup is emptied and removed after the run.
 * </ul>
 */
package dev.cnbfarm.image.sandbox;
