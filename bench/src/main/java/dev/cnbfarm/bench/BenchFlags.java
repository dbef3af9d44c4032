package dev.cnbfarm.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A benchmark's flags, all taking a value, spelled {@code -name value}, {@code -name=value} or
 * with two dashes, as the lifecycle's flags are; an unknown flag or a stray argument is a usage
 * error. Immutable result.
 */
record BenchFlags(Map<String, String> values) {
  BenchFlags {
    values = Map.copyOf(values);
  }

  /** A command line the benchmark cannot run: printed on one line with the usage, exit 3. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  static BenchFlags parse(String[] args, Set<String> names) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("-") || a.equals("-") || a.equals("--")) {
        throw new UsageException("unexpected argument '" + a + "'");
      }
      String body = a.substring(a.startsWith("--") ? 2 : 1);
      int eq = body.indexOf('=');
      String name = eq < 0 ? body : body.substring(0, eq);
      if (!names.contains(name)) {
        throw new UsageException("flag provided but not defined: -" + name);
      }
      if (eq >= 0) {
        values.put(name, body.substring(eq + 1));
      } else if (i + 1 < args.length) {
        values.put(name, args[++i]);
      } else {
        throw new UsageException("flag needs an argument: -" + name);
      }
    }
    return new BenchFlags(values);
  }
}
