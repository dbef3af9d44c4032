package dev.cnbfarm.bench;

import dev.cnbfarm.lifecycle.report.Reporter;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Reporter} that timestamps the extender's progress lines, so one run can be split into
 * "before the first step" (manifest read, base load), each Dockerfile step, and "after the last
 * step" (sparse layout). Keeps the last 20 lines for error messages. Thread-safe.
 */
final class StepClock implements Reporter {
  private final long start = System.nanoTime();
  private final List<Long> stepStarts = new ArrayList<>();
  private final List<String> stepNames = new ArrayList<>();
  private final List<String> recent = new ArrayList<>();
  private long applied;
  private long written;

  @Override
  public void debug(String line) {}

  @Override
  public synchronized void info(String line) {
    long now = System.nanoTime();
    if (line.startsWith("[" + ExtendFixture.EXTENSION + "] Step ")) {
      stepStarts.add(now);
      stepNames.add(line.substring(line.indexOf(" : ") + 3));
    } else if (line.startsWith("Applied ")) {
      applied = now;
    } else if (line.startsWith("Extended run image written")) {
      written = now;
    }
    remember(line);
  }

  @Override
  public synchronized void warn(String line) {
    remember("WARN " + line);
  }

  private void remember(String line) {
    recent.add(line);
    if (recent.size() > 20) {
      recent.remove(0);
    }
  }

  synchronized String recentLines() {
    return String.join("\n", recent);
  }

  /** Seconds from the phase start to the first step. */
  synchronized double beforeSteps() {
    return stepStarts.isEmpty() ? 0 : (stepStarts.get(0) - start) / 1e9;
  }

  /** Seconds per RUN step (sandbox run + layer write + cache store), in Dockerfile order. */
  synchronized List<Double> runSteps() {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < stepStarts.size(); i++) {
      long end = i + 1 < stepStarts.size() ? stepStarts.get(i + 1) : applied;
      if (stepNames.get(i).startsWith("RUN ")) {
        out.add((end - stepStarts.get(i)) / 1e9);
      }
    }
    return out;
  }

  /** Seconds from the end of the last step to the sparse layout being written. */
  synchronized double layoutWrite() {
    return written == 0 ? 0 : (written - applied) / 1e9;
  }
}
