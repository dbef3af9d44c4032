package dev.cnbfarm.image.layer;

/**
 * A layer entry that would be written outside the unpack root: a {@code ..} segment, an absolute
 * name, or a parent that resolves through a symlink leaving the root (or through an absolute one,
 * which is never followed). The layer is hostile or corrupt; retrying will not help. Immutable.
 */
public class LayerEscapeException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String entry;

  public LayerEscapeException(String entry, String reason) {
    super("layer entry '" + entry + "' escapes the root: " + reason);
    this.entry = entry;
  }

  /** The entry name as it appears in the tar. */
  public String entry() {
    return entry;
  }
}
