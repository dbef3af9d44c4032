package dev.cnbfarm.image.dockerfile;

import java.util.Objects;

/**
 * A layer a Dockerfile step added, with the extension whose Dockerfile made it (for the history
 * entry {@code Layer: '<created_by>', Created by extension: <id>}, extensions.md §6.3 item 7).
 * Immutable.
 */
public record ExtensionLayer(String extensionId, StateLayer layer) {
  public ExtensionLayer {
    Objects.requireNonNull(extensionId, "extensionId");
    Objects.requireNonNull(layer, "layer");
    if (layer.blob().isEmpty()) {
      throw new IllegalArgumentException("layer " + layer.diffId() + " of " + extensionId + " has no blob");
    }
  }
}
