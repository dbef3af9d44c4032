package dev.cnbfarm.lifecycle.phase;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Go duration strings ({@code 336h}, {@code 1h30m}, {@code 90s}, {@code 500ms}), the format
 * of the lifecycle's {@code -kaniko-cache-ttl}. Stateless.
 */
public final class GoDuration {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private GoDuration() {}

  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim();
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(t);
    double nanos = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      double n = Double.parseDouble(m.group(1));
      nanos += n * switch (m.group(2)) {
        case "ns" -> 1;
        case "us", "µs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
      end = m.end();
    }
    if (t.isEmpty() || end != t.length()) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "invalid duration '" + text + "' (Go syntax, e.g. 336h or 1h30m)");
    }
    return Duration.ofNanos((long) nanos);
  }
}
