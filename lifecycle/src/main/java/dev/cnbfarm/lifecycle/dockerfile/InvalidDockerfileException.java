package dev.cnbfarm.lifecycle.dockerfile;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;

/**
 * A Dockerfile that cannot be parsed or breaks the CNB Dockerfile rules (extensions.md §3.5, §4);
 * always {@link FailureCode#GENERATE_ERROR} (exit 92). The message names the file and, where there
 * is one, the line. Unchecked; immutable.
 */
public final class InvalidDockerfileException extends LifecycleException {
  private static final long serialVersionUID = 1L;

  /** A failure whose message is already complete (it should name the file). */
  public InvalidDockerfileException(String message) {
    super(FailureCode.GENERATE_ERROR, message);
  }

  /** {@code <label>: dockerfile parse error on line <line>: <detail>}, BuildKit's wording. */
  static InvalidDockerfileException parseError(String label, int line, String detail) {
    return new InvalidDockerfileException(
        label + ": dockerfile parse error on line " + line + ": " + detail);
  }

  /** A parse error at {@code instruction}'s line of {@code dockerfile}. */
  static InvalidDockerfileException at(
      Dockerfile dockerfile, Instruction instruction, String detail) {
    return parseError(dockerfile.label(), instruction.line(), detail);
  }
}
