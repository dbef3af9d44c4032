package dev.cnbfarm.detect;

import dev.cnbfarm.lifecycle.report.Reporter;
import dev.cnbfarm.runtime.handler.HandlerContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A handler context with a fixed clock that records the build log's lines. Thread-safe. */
final class TestContext implements HandlerContext {
  static final Instant NOW = Instant.parse("2026-12-02T03:00:00Z");

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Reporter log = new Reporter() {
    @Override
    public void debug(String line) {
      lines.add("debug: " + line);
    }

    @Override
    public void info(String line) {
      lines.add("info: " + line);
    }

    @Override
    public void warn(String line) {
      lines.add("warn: " + line);
    }
  };

  @Override
  public String producer() {
    return "detect-test-1";
  }

  @Override
  public Clock clock() {
    return Clock.fixed(NOW, ZoneOffset.UTC);
  }

  @Override
  public Reporter log() {
    return log;
  }

  List<String> lines() {
    return List.copyOf(lines);
  }
}
