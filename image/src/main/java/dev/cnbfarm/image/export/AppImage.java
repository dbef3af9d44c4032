package dev.cnbfarm.image.export;

import dev.cnbfarm.image.store.ImageAssembly;
import java.util.List;
import java.util.Objects;

/**
 * An assembled app image, not yet pushed: its config and manifest and, in manifest order, each
 * layer with the source of its blob. Immutable.
 *
 * @param assembly the config and manifest bytes and the manifest digest
 * @param layers the layers, bottom first, one per manifest layer
 */
public record AppImage(ImageAssembly assembly, List<AppLayer> layers) {
  public AppImage {
    Objects.requireNonNull(assembly, "assembly");
    layers = List.copyOf(layers);
    if (layers.size() != assembly.manifest().layers().size()) {
      throw new IllegalArgumentException(layers.size() + " layers for a manifest of "
          + assembly.manifest().layers().size());
    }
  }
}
