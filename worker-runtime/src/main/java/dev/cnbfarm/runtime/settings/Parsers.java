package dev.cnbfarm.runtime.settings;

import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.phase.GoDuration;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/** The validators of the declared settings: each throws {@link IllegalArgumentException} with the reason. */
final class Parsers {
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._\\-\\[\\]:]+:\\d{1,5}");
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._\\-]{1,200}");

  private Parsers() {}

  static Function<String, Integer> integer(int min, int max) {
    return text -> {
      try {
        int n = Integer.parseInt(text);
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException("not a whole number from " + min + " to " + max);
    };
  }

  static Duration duration(String text) {
    Duration d;
    try {
      d = GoDuration.parse(text);
    } catch (LifecycleException e) {
      d = null;
    }
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException("not a duration such as 500ms, 30s, 10m or 1h30m");
    }
    return d;
  }

  static Duration positiveDuration(String text) {
    Duration d = duration(text);
    if (d.isZero()) {
      throw new IllegalArgumentException("must be longer than zero");
    }
    return d;
  }

  static String bootstrap(String text) {
    for (String part : text.split(",", -1)) {
      if (!HOST_PORT.matcher(part.trim()).matches()) {
        throw new IllegalArgumentException("not a comma-separated list of host:port");
      }
    }
    return text;
  }

  /** An IP address literal; never a host name (which would need a lookup at start). */
  static InetAddress address(String text) {
    Matcher v4 = IPV4.matcher(text);
    boolean literal = v4.matches() ? IntStream.rangeClosed(1, 4)
        .allMatch(i -> Integer.parseInt(v4.group(i)) <= 255) : IPV6.matcher(text).matches();
    if (literal) {
      try {
        return InetAddress.getByName(text);
      } catch (UnknownHostException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException("not an IP address such as 127.0.0.1 or 0.0.0.0");
  }

  static String name(String text) {
    if (!NAME.matcher(text).matches()) {
      throw new IllegalArgumentException("must be 1-200 of a-z A-Z 0-9 . _ -");
    }
    return text;
  }
}
