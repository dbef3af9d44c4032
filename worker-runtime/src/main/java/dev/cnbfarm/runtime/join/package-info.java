/**
 * The export worker's runtime (design.md §2): a Kafka Streams app that joins {@code built} and
 * {@code run.ready} by build id and attempt, keeps its join state in Kafka (in-memory stores with
 * changelog topics) and produces the joined handler's outputs exactly once per attempt.
 */
package dev.cnbfarm.runtime.join;
