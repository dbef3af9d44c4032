package dev.cnbfarm.lifecycle.dockerfile;

/**
 * A leading {@code --name=value} flag of an instruction, such as {@code COPY --chown=1000:1000} or
 * {@code FROM --platform=linux/amd64}. A bare flag ({@code --link}) has an empty value. The value
 * is kept as written: it is not unquoted or expanded. Immutable.
 */
public record Flag(String name, String value) {
  public Flag {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("flag name must not be blank");
    }
    if (value == null) {
      throw new IllegalArgumentException("flag value must not be null (use \"\")");
    }
  }

  public static Flag of(String name, String value) {
    return new Flag(name, value);
  }
}
