package dev.cnbfarm.runtime.join;

import dev.cnbfarm.lifecycle.report.Reporter;
import dev.cnbfarm.runtime.EventIds;
import dev.cnbfarm.runtime.handler.HandlerContext;
import dev.cnbfarm.schemas.BuildLog;
import dev.cnbfarm.schemas.LogStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The context of one joined pair: its log lines become {@code BuildLog} events produced in the
 * same transaction as the handler's outputs, so a crash before the commit leaves neither (the
 * export handler is short and metadata-only, so lines are buffered rather than streamed live).
 * Debug lines are kept out. Thread-safe.
 */
final class BufferedLogContext implements HandlerContext {
  static final int EXCERPT_LINES = 20;
  static final int MAX_LINES = 10_000;

  private final String producer;
  private final Clock clock;
  private final String buildId;
  private final int attempt;
  private final String phase;
  private final List<BuildLog> lines = new ArrayList<>();
  private long sequence;
  private int drained;

  BufferedLogContext(String producer, Clock clock, String buildId, int attempt, String phase) {
    this.producer = producer;
    this.clock = clock;
    this.buildId = buildId;
    this.attempt = attempt;
    this.phase = phase;
  }

  @Override
  public String producer() {
    return producer;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public Reporter log() {
    return new Reporter() {
      @Override
      public void debug(String line) {}

      @Override
      public void info(String line) {
        add(LogStream.STDOUT, line);
      }

      @Override
      public void warn(String line) {
        add(LogStream.STDERR, line);
      }
    };
  }

  private synchronized void add(LogStream stream, String line) {
    if (lines.size() >= MAX_LINES) {
      return;
    }
    long seq = sequence++;
    lines.add(BuildLog.newBuilder()
        .setEventId(EventIds.of(buildId, "log/" + phase + "/" + seq, attempt))
        .setBuildId(buildId)
        .setAttempt(attempt)
        .setOccurredAt(clock.instant())
        .setProducer(producer)
        .setPhase(phase)
        .setStream(stream)
        .setLine(line == null ? "" : line)
        .setSequence(seq)
        .build());
  }

  /** The lines reported since the last call, in order. */
  synchronized List<BuildLog> drain() {
    List<BuildLog> out = List.copyOf(lines.subList(drained, lines.size()));
    drained = lines.size();
    return out;
  }

  /** The last lines of the log, for a failure event. */
  synchronized String excerpt() {
    List<String> last = new ArrayList<>();
    for (BuildLog l : lines.subList(Math.max(0, lines.size() - EXCERPT_LINES), lines.size())) {
      last.add(l.getLine());
    }
    return String.join("\n", last);
  }
}
