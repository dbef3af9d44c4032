package dev.cnbfarm.image.sandbox;

import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.CnbfarmException;

/**
 * The sandbox itself could not be set up (as opposed to the command failing, which is a {@link
 * SandboxResult}): missing host tools, namespaces or mounts refused, an output sink that threw.
 * {@code INTERNAL}: the host or our code is at fault, and the same work on the same host fails
 * again. An interrupt is a {@code CancelledException} instead. Unchecked; immutable.
 */
public class SandboxException extends CnbfarmException {
  private static final long serialVersionUID = 1L;

  public SandboxException(String message) {
    super(message);
  }

  public SandboxException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public Category category() {
    return Category.INTERNAL;
  }
}
