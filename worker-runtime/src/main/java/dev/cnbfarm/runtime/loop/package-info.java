/**
 * The one consumer loop of the pipeline ({@link dev.cnbfarm.runtime.loop.WorkerLoop}): decode, MDC,
 * handler off the poll thread with retries, outputs with acks, then the commit; DLQ and build log.
 */
package dev.cnbfarm.runtime.loop;
