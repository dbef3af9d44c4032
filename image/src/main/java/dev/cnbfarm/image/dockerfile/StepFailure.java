package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.lifecycle.dockerfile.Instruction;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;

/** Builds the extend-phase error of one instruction, naming the Dockerfile, line and extension. */
final class StepFailure {
  private StepFailure() {}

  static LifecycleException of(BuildState st, Instruction ins, String message) {
    return new LifecycleException(FailureCode.EXTEND_ERROR, st.dockerfile.label() + ": line " + ins.line() + ": "
        + ins.keyword() + ": " + message + " (extension " + st.request.extensionId() + ")");
  }
}
