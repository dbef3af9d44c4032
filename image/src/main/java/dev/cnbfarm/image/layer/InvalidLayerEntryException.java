package dev.cnbfarm.image.layer;

import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.CnbfarmException;

/**
 * A layer entry we refuse to unpack: a device node, a malformed whiteout, an entry past the
 * layer's budget, a hardlink to something that is not a file. The message names the entry and the
 * cause ({@code <entry>: <cause>}). The layer is hostile or corrupt; retrying will not help: a user
 * error (the image is the user's). Immutable.
 */
public class InvalidLayerEntryException extends CnbfarmException {
  private static final long serialVersionUID = 1L;
  private final String entry;

  public InvalidLayerEntryException(String entry, String cause) {
    this(entry, cause, "'" + entry + "': " + cause);
  }

  InvalidLayerEntryException(String entry, String cause, String message) {
    super(message);
    this.entry = entry;
  }

  @Override
  public Category category() {
    return Category.USER;
  }

  /** The entry name as it appears in the tar. */
  public String entry() {
    return entry;
  }
}
