package dev.cnbfarm.image.sandbox;

/**
 * The numeric uid and gid a sandboxed command runs as; supplementary groups are always cleared.
 * Names are not resolved: the image's {@code /etc/passwd} is the Dockerfile applier's business.
 * Immutable.
 */
public record SandboxUser(int uid, int gid) {
  /** root, for Dockerfile steps only (design §9). */
  public static final SandboxUser ROOT = new SandboxUser(0, 0);

  public SandboxUser {
    if (uid < 0 || gid < 0) {
      throw new IllegalArgumentException("negative uid/gid " + uid + ":" + gid);
    }
  }

  public static SandboxUser of(int uid, int gid) {
    return new SandboxUser(uid, gid);
  }

  @Override
  public String toString() {
    return uid + ":" + gid;
  }
}
