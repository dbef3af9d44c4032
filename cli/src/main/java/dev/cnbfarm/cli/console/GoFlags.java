package dev.cnbfarm.cli.console;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses flags the way Go's {@code flag} package (and so the reference lifecycle) does:
 * {@code -name value}, {@code -name=value}, {@code --name} spellings, booleans without a value,
 * parsing stops at the first non-flag argument or {@code --}. An unknown flag is an invalid-args
 * error (exit 3). Immutable result. Only the benchmarks parse with it now (every command parses with
 * picocli); it leaves the cli module with them (issue 7 item 10).
 */
public record GoFlags(Map<String, String> values, List<String> positional) {
  public GoFlags {
    values = Map.copyOf(values);
    positional = List.copyOf(positional);
  }

  public static GoFlags parse(String[] args, Set<String> stringFlags, Set<String> boolFlags) {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> positional = new ArrayList<>();
    int i = 0;
    while (i < args.length) {
      String a = args[i];
      if (a.equals("--")) {
        i++;
        break;
      }
      if (!a.startsWith("-") || a.equals("-")) {
        break;
      }
      String body = a.startsWith("--") ? a.substring(2) : a.substring(1);
      int eq = body.indexOf('=');
      String name = eq < 0 ? body : body.substring(0, eq);
      if (boolFlags.contains(name)) {
        values.put(name, eq < 0 ? "true" : body.substring(eq + 1));
      } else if (stringFlags.contains(name)) {
        if (eq >= 0) {
          values.put(name, body.substring(eq + 1));
        } else if (i + 1 < args.length) {
          values.put(name, args[++i]);
        } else {
          throw new LifecycleException(FailureCode.INVALID_ARGS, "flag needs an argument: -" + name);
        }
      } else {
        throw new LifecycleException(FailureCode.INVALID_ARGS, "flag provided but not defined: -" + name);
      }
      i++;
    }
    while (i < args.length) {
      positional.add(args[i++]);
    }
    return new GoFlags(values, positional);
  }

  public boolean bool(String name) {
    return Boolean.parseBoolean(values.getOrDefault(name, "false"));
  }
}
