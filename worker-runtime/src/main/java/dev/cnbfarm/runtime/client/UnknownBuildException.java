package dev.cnbfarm.runtime.client;

import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;

/** No {@code requested} event of the build is in the log (a wrong id, or the log was truncated). Immutable. */
public final class UnknownBuildException extends LifecycleException {
  private static final long serialVersionUID = 1L;

  public UnknownBuildException(String buildId) {
    super(FailureCode.INVALID_INPUT, Category.USER, "no build " + buildId + " in the event log", null);
  }
}
