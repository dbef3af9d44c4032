package dev.cnbfarm.runtime.client;

import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;

/** A followed build reached neither {@code exported} nor {@code failed} in time. Immutable. */
public final class FollowTimeoutException extends LifecycleException {
  private static final long serialVersionUID = 1L;

  FollowTimeoutException(String message) {
    super(FailureCode.GENERIC, Category.INFRA, message, null);
  }
}
