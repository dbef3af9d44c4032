/**
 * The detect worker (design.md §2, §6): a build request in, analyze + detect + generate run in the
 * builder image's sandbox as its CNB user, the detected event out, with the {@code <generated>}
 * tree stored in the image store. No Kafka types here: the worker-runtime loop calls {@link
 * dev.cnbfarm.detect.DetectHandler}; {@link dev.cnbfarm.detect.DetectWorker} composes it.
 */
package dev.cnbfarm.detect;
