/**
 * The extend worker (design.md §2, §6): two handlers over the engine's extender phase, one per
 * role, each consuming {@code detected} in its own consumer group. {@link
 * dev.cnbfarm.extend.BuildRoleHandler} extends the build image, runs the build as the CNB user and
 * publishes the build's layers ({@code built}); {@link dev.cnbfarm.extend.RunRoleHandler} extends
 * the run image or passes it through ({@code run.ready}). {@link dev.cnbfarm.extend.ExtendWorker}
 * composes them; the Kafka loop is worker-runtime's. No Kafka types here.
 */
package dev.cnbfarm.extend;
