package dev.cnbfarm.runtime.handler;

import org.apache.avro.specific.SpecificRecord;

/**
 * A handler over two events of one build joined by build id (the export worker: {@code built} ⋈
 * {@code run.ready}, design.md §2). The runtime keeps the join state in Kafka and calls it once
 * both sides of the same attempt are there; otherwise as {@link PhaseHandler}: no Kafka types,
 * idempotent, failures thrown as {@code CnbfarmException}s.
 *
 * @param <L> the left event's generated Avro class
 * @param <R> the right event's generated Avro class
 */
public interface JoinHandler<L extends SpecificRecord, R extends SpecificRecord> {
  String phase();

  Class<L> left();

  Class<R> right();

  HandlerResult handle(L left, R right, HandlerContext context);
}
