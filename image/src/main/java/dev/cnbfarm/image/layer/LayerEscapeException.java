package dev.cnbfarm.image.layer;

/**
 * A layer entry that would be written outside the unpack root: a {@code ..} segment, an absolute
 * name, or a parent that resolves through a symlink leaving the root (or through an absolute one,
 * which is never followed). The layer is hostile or corrupt; retrying will not help. Immutable.
 */
public class LayerEscapeException extends InvalidLayerEntryException {
  private static final long serialVersionUID = 1L;

  public LayerEscapeException(String entry, String reason) {
    super(entry, reason, "layer entry '" + entry + "' escapes the root: " + reason);
  }
}
