package dev.cnbfarm.cli.console;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Prints phase progress like the reference lifecycle: plain lines at info, {@code Warning: } and
 * {@code ERROR: } prefixes, {@code -log-level} (debug, info, warn, error). Debug lines below the
 * level are kept (the last {@link #KEPT} of them) so a failed phase can print them after all — the
 * lifecycle's idiom for detect failures. Thread-safe.
 */
public final class ConsoleReporter implements Reporter {
  static final int KEPT = 5_000;
  private final PrintStream out;
  private final int level;
  private final Deque<String> held = new ArrayDeque<>();

  public ConsoleReporter(PrintStream out, String level) {
    this.out = out;
    this.level = switch (level.toLowerCase(Locale.ROOT)) {
      case "debug", "trace" -> 0;
      case "info", "" -> 1;
      case "warn", "warning" -> 2;
      case "error" -> 3;
      default -> throw new LifecycleException(FailureCode.INVALID_ARGS,
          "log level '" + level + "' is not one of debug, info, warn, error");
    };
  }

  @Override
  public synchronized void debug(String line) {
    if (level == 0) {
      out.println(line);
    } else {
      held.addLast(line);
      if (held.size() > KEPT) {
        held.removeFirst();
      }
    }
  }

  @Override
  public synchronized void info(String line) {
    if (level <= 1) {
      out.println(line);
    }
  }

  @Override
  public synchronized void warn(String line) {
    if (level <= 2) {
      out.println("Warning: " + line);
    }
  }

  public synchronized void error(String line) {
    out.println("ERROR: " + line);
  }

  /** Prints the held debug lines (after a failure), then forgets them. */
  public synchronized void flushHeld() {
    held.forEach(out::println);
    held.clear();
  }
}
