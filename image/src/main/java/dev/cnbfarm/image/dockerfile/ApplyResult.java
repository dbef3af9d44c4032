package dev.cnbfarm.image.dockerfile;

import java.util.List;

/**
 * The image after one Dockerfile: the new state (base layers + new layers, updated config), how
 * many RUN steps executed and how many steps came from the layer cache, and the warnings (e.g. a
 * skipped CMD). Immutable.
 */
public record ApplyResult(ImageState image, List<StateLayer> newLayers, int runsExecuted, int cacheHits,
    List<String> warnings) {
  public ApplyResult {
    newLayers = List.copyOf(newLayers);
    warnings = List.copyOf(warnings);
  }
}
