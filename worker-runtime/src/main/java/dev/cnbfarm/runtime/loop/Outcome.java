package dev.cnbfarm.runtime.loop;

import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.runtime.handler.HandlerResult;

/** How one record's handler run ended, for the poll thread to act on. Immutable. */
sealed interface Outcome permits Outcome.Succeeded, Outcome.Failed, Outcome.Cancelled {
  /** The handler returned after {@code tries} tries. */
  record Succeeded(HandlerResult result, int tries) implements Outcome {}

  /** The handler failed for good: not retryable, or its retries were exhausted; the cause is the original. */
  record Failed(LifecycleException failure, Throwable thrown, int tries) implements Outcome {}

  /** The run was interrupted (shutdown, revocation) or the handler said it was cancelled: nothing is committed. */
  record Cancelled(String why, boolean byHandler) implements Outcome {}
}
