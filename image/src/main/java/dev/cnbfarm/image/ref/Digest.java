package dev.cnbfarm.image.ref;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest in the OCI form {@code sha256:<64 lower-case hex>}. Only sha256 is accepted:
 * it is the only algorithm registries are required to support. Immutable.
 *
 * @param value the full {@code sha256:...} string
 */
public record Digest(String value) {
  private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

  public Digest {
    if (value == null || !SHA256.matcher(value).matches()) {
      throw new IllegalArgumentException("not a sha256 digest: " + value);
    }
  }

  /** Parses {@code sha256:<hex>}; throws {@link IllegalArgumentException} on anything else. */
  public static Digest parse(String value) {
    return new Digest(value);
  }

  /** The digest of {@code bytes}. */
  public static Digest of(byte[] bytes) {
    return ofHash(sha256().digest(bytes));
  }

  /** Wraps a raw 32-byte sha256 hash, as returned by {@link MessageDigest#digest()}. */
  public static Digest ofHash(byte[] sha256Hash) {
    if (sha256Hash.length != 32) {
      throw new IllegalArgumentException("a sha256 hash has 32 bytes, not " + sha256Hash.length);
    }
    return new Digest("sha256:" + HexFormat.of().formatHex(sha256Hash));
  }

  /** A fresh sha256 {@link MessageDigest}. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The algorithm part, always {@code sha256}. */
  public String algorithm() {
    return "sha256";
  }

  /** The 64 hex characters after the colon. */
  public String hex() {
    return value.substring(7);
  }

  @Override
  public String toString() {
    return value;
  }
}
