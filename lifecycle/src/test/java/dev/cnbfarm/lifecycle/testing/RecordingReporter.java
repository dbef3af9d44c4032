package dev.cnbfarm.lifecycle.testing;

import dev.cnbfarm.lifecycle.report.Reporter;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Reporter} that keeps every line by level, and the info and warn lines in the order they
 * came ({@link #lines()}, warnings prefixed {@code WARN }), for assertions. Thread-safe.
 */
public final class RecordingReporter implements Reporter {
  private final List<String> lines = new ArrayList<>();
  private final List<String> debug = new ArrayList<>();
  private final List<String> info = new ArrayList<>();
  private final List<String> warn = new ArrayList<>();

  @Override
  public synchronized void debug(String line) {
    debug.add(line);
  }

  @Override
  public synchronized void info(String line) {
    info.add(line);
    lines.add(line);
  }

  @Override
  public synchronized void warn(String line) {
    warn.add(line);
    lines.add("WARN " + line);
  }

  /** The info and warn lines in the order they came, each warning as {@code WARN <line>}. */
  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /** Forgets every line. */
  public synchronized void clear() {
    lines.clear();
    debug.clear();
    info.clear();
    warn.clear();
  }

  public synchronized List<String> debugLines() {
    return List.copyOf(debug);
  }

  public synchronized List<String> infoLines() {
    return List.copyOf(info);
  }

  public synchronized List<String> warnLines() {
    return List.copyOf(warn);
  }

  /** Every line of every level, in the order debug, info, warn. */
  public synchronized List<String> allLines() {
    List<String> all = new ArrayList<>(debug);
    all.addAll(info);
    all.addAll(warn);
    return all;
  }
}
