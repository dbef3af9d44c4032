package dev.cnbfarm.image.rootfs;

import java.util.regex.Pattern;

/**
 * The diffID of a layer: the sha256 of its uncompressed tar, which keys the unpacked layer in the
 * {@link RootfsCache}. Immutable.
 *
 * @param hex the 64 lowercase hex digits, without the {@code sha256:} prefix
 */
public record DiffId(String hex) {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  public DiffId {
    if (hex == null || !HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "invalid sha256 hex '" + hex + "' (want 64 lowercase hex digits)");
    }
  }

  /** Parses {@code "sha256:<64 hex>"}; throws {@link IllegalArgumentException} naming the text. */
  public static DiffId parse(String text) {
    if (text == null || !text.startsWith("sha256:")) {
      throw new IllegalArgumentException("invalid diffID '" + text + "' (want sha256:<64 hex>)");
    }
    return new DiffId(text.substring("sha256:".length()));
  }

  @Override
  public String toString() {
    return "sha256:" + hex;
  }
}
