package dev.cnbfarm.lifecycle.testing;

import dev.cnbfarm.lifecycle.report.Reporter;
import java.util.ArrayList;
import java.util.List;

/** A {@link Reporter} that keeps every line by level, for assertions. Thread-safe. */
public final class RecordingReporter implements Reporter {
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
  }

  @Override
  public synchronized void warn(String line) {
    warn.add(line);
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
