package dev.cnbfarm.runtime.handler;

import org.apache.avro.specific.SpecificRecord;

/**
 * A worker's logic (style.md §4): one input event in, the events to produce out. No Kafka types,
 * no settings, no clock but the context's; side effects only through ports given to its
 * constructor. Handling one event twice gives the same outputs (event ids are derived, blobs are
 * content-addressed). A failure is thrown as a {@code CnbfarmException}; the loop retries the
 * retryable ones and turns the rest into a {@code BuildFailed} event. A build outcome that is not
 * an error (no group passed, a buildpack's build failed) is thrown too, as a {@code
 * LifecycleException} of category OUTCOME: the loop commits it without retry and the event
 * carries the exit code (20, 51...) and the log excerpt the loop kept.
 *
 * @param <I> the input event's generated Avro class
 */
public interface PhaseHandler<I extends SpecificRecord> {
  /** The phase name used in logs, metrics and failure events: detect, extend-build, extend-run, export. */
  String phase();

  /** The input event class; other records on the input topic are poison. */
  Class<I> input();

  HandlerResult handle(I event, HandlerContext context);
}
