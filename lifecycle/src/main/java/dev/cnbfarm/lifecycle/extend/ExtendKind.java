package dev.cnbfarm.lifecycle.extend;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.util.Locale;

/** Which base image the extender works on ({@code -kind}, platform.md "extender"). Immutable. */
public enum ExtendKind {
  BUILD,
  RUN;

  /** {@code build} or {@code run}; anything else is invalid arguments (exit 3, as the reference). */
  public static ExtendKind parse(String text) {
    return switch (text == null ? "" : text.toLowerCase(Locale.ROOT)) {
      case "build", "" -> BUILD;
      case "run" -> RUN;
      default -> throw new LifecycleException(FailureCode.INVALID_ARGS,
          "invalid -kind '" + text + "': must be 'build' or 'run'");
    };
  }

  /** {@code build} or {@code run}: file and table names use it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
