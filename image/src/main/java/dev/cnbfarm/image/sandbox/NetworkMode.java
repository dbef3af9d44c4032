package dev.cnbfarm.image.sandbox;

/** Which network namespace a sandboxed process uses. */
public enum NetworkMode {
  /**
   * The host's network (what Dockerfile RUN needs for {@code apt-get}); the host's {@code
   * /etc/resolv.conf} and {@code /etc/hosts} are bind-mounted read-only.
   */
  HOST,
  /** A new, empty network namespace: only a loopback device, which is down. */
  NONE
}
