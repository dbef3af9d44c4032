package dev.cnbfarm.image.layer;

/**
 * The OCI whiteout spelling (image-spec layer.md "Whiteouts") and its overlayfs counterpart
 * (a 0:0 character device; an opaque directory carries {@code user.overlay.opaque=y} when the
 * overlay is mounted with {@code userxattr}). Constants only.
 */
public final class Whiteouts {
  /** Prefix of a whiteout entry: {@code dir/.wh.name} deletes {@code dir/name}. */
  public static final String PREFIX = ".wh.";
  /** Name of the entry that makes its directory opaque. */
  public static final String OPAQUE = ".wh..wh..opq";
  /** The user-namespace xattr name, without the {@code user.} prefix Java adds. */
  public static final String OPAQUE_XATTR = "overlay.opaque";

  private Whiteouts() {}
}
