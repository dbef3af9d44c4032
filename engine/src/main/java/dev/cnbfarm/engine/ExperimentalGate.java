package dev.cnbfarm.engine;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.report.Reporter;

/**
 * The experimental-feature gate (platform.md "Experimental Features"; decisions.md #15): before
 * Platform API 0.13, image extensions ("Dockerfiles") need {@code CNB_EXPERIMENTAL_MODE} set to
 * {@code warn} or {@code silent}/{@code quiet}; unset or {@code error} fails. From 0.13 there is no
 * gate. Stateless.
 */
public final class ExperimentalGate {
  private ExperimentalGate() {}

  public static void check(String feature, ApiVersion platformApi, String mode, Reporter reporter) {
    if (platformApi.atLeast("0.13")) {
      return;
    }
    switch (mode == null || mode.isEmpty() ? "error" : mode) {
      case "warn" -> reporter.warn("Platform requested experimental feature '" + feature + "'");
      case "silent", "quiet" -> { }
      case "error" -> throw new LifecycleException(FailureCode.GENERIC, "experimental feature '" + feature
          + "' is disabled at Platform API " + platformApi + "; set CNB_EXPERIMENTAL_MODE=warn (or silent) to use it");
      default -> throw new LifecycleException(FailureCode.INVALID_ARGS,
          "CNB_EXPERIMENTAL_MODE='" + mode + "' is not one of error, warn, silent, quiet");
    }
  }
}
