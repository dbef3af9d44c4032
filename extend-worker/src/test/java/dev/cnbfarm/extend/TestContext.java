package dev.cnbfarm.extend;

import dev.cnbfarm.lifecycle.testing.RecordingReporter;
import dev.cnbfarm.runtime.handler.HandlerContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** A handler context with a fixed clock and a recorded build log. */
record TestContext(String producer, Clock clock, RecordingReporter log) implements HandlerContext {
  static TestContext fixed() {
    return new TestContext("extend-test-1", Clock.fixed(Instant.parse("2026-12-02T03:00:00Z"), ZoneOffset.UTC),
        new RecordingReporter());
  }
}
