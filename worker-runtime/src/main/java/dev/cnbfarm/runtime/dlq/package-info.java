/**
 * The dead-letter topics seen from outside the workers ({@link dev.cnbfarm.runtime.dlq.DeadLetterQueue}):
 * listing their records and re-driving them to the topics they came from, for {@code cnbfarm dlq}.
 */
package dev.cnbfarm.runtime.dlq;
