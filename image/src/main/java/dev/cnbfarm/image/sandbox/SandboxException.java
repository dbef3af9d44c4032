package dev.cnbfarm.image.sandbox;

/**
 * The sandbox itself could not be set up or was interrupted (as opposed to the command failing,
 * which is a {@link SandboxResult}). Unchecked; immutable.
 */
public class SandboxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SandboxException(String message) {
    super(message);
  }

  public SandboxException(String message, Throwable cause) {
    super(message, cause);
  }
}
