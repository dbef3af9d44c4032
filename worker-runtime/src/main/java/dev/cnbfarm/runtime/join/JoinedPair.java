package dev.cnbfarm.runtime.join;

import org.apache.avro.specific.SpecificRecord;

/** Both sides of one build's attempt, joined. Immutable. */
record JoinedPair<L extends SpecificRecord, R extends SpecificRecord>(L left, R right, int attempt) {}
