package dev.cnbfarm.image.ref;

import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.CnbfarmException;

/**
 * An image reference that cannot be parsed; the message names the input and the rule broken. A
 * user error. Not an {@link IllegalArgumentException} (it was once): callers catch it by name.
 * Immutable.
 */
public class InvalidImageRefException extends CnbfarmException {
  private static final long serialVersionUID = 1L;

  public InvalidImageRefException(String ref, String reason) {
    super("invalid image reference '" + ref + "': " + reason);
  }

  @Override
  public Category category() {
    return Category.USER;
  }
}
