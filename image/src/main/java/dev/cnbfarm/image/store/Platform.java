package dev.cnbfarm.image.store;

import java.util.Objects;

/**
 * The os/architecture[/variant] an image manifest is for. Immutable.
 *
 * @param os e.g. linux
 * @param architecture e.g. amd64
 * @param variant e.g. v8, or "" for none
 */
public record Platform(String os, String architecture, String variant) {
  /** The platform cnbfarm builds for. */
  public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", "");

  public Platform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(variant, "variant");
  }

  /** Parses {@code os/arch[/variant]}. */
  public static Platform parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new IllegalArgumentException("platform must be os/arch[/variant]: " + text);
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : "");
  }

  /** Whether an index entry for {@code other} serves this platform ("" variant matches any). */
  boolean accepts(Platform other) {
    return os.equals(other.os) && architecture.equals(other.architecture)
        && (variant.isEmpty() || variant.equals(other.variant));
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
  }
}
