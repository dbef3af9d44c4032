package dev.cnbfarm.image.ref;

/** An image reference that cannot be parsed; the message names the input and the rule broken. */
public class InvalidImageRefException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidImageRefException(String ref, String reason) {
    super("invalid image reference '" + ref + "': " + reason);
  }
}
