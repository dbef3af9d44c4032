package dev.cnbfarm.lifecycle.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CNB API version ({@code major.minor}), as used for the Platform API and the Buildpack API.
 * Immutable.
 */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {
  private static final Pattern FORM = Pattern.compile("(0|[1-9]\\d*)\\.(0|[1-9]\\d*)");

  public ApiVersion {
    if (major < 0 || minor < 0) {
      throw new IllegalArgumentException("negative API version " + major + "." + minor);
    }
  }

  /** Parses {@code "0.12"}; throws {@link IllegalArgumentException} with the offending text. */
  public static ApiVersion parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid API version '" + text + "' (want <major>.<minor>)");
    }
    return new ApiVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  public static ApiVersion of(int major, int minor) {
    return new ApiVersion(major, minor);
  }

  public boolean atLeast(String other) {
    return compareTo(parse(other)) >= 0;
  }

  public boolean lessThan(String other) {
    return compareTo(parse(other)) < 0;
  }

  @Override
  public int compareTo(ApiVersion o) {
    return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
