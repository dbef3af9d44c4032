package dev.cnbfarm.runtime.handler;

import dev.cnbfarm.lifecycle.report.Reporter;
import java.time.Clock;

/**
 * What the loop gives a handler for one event: the worker instance's name (the events' {@code
 * producer}), the clock (events' {@code occurredAt}), and the build's live log: lines reported
 * here reach the logs topic while the handler runs, and the last of them become a failure's log
 * excerpt. Implementations are thread-safe (a phase may report from several threads).
 */
public interface HandlerContext {
  /** The worker instance, for the {@code producer} field. */
  String producer();

  Clock clock();

  /** The build's log for the phase being handled (info: stdout, warn: stderr; debug is kept out). */
  Reporter log();

  /** Where the handler counts its work (layer cache hits and misses); counts nothing by default. */
  default WorkMeter meter() {
    return WorkMeter.NONE;
  }
}
