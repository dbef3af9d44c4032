package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.lifecycle.extend.RunImageRules;

/** Shared step bookkeeping: adding a made or cached layer with its history entry. */
final class Steps {
  private Steps() {}

  static void addLayer(BuildState st, StateLayer layer) {
    ImageConfig.History history = new ImageConfig.History("1970-01-01T00:00:00Z",
        RunImageRules.history(layer.createdBy(), st.request.extensionId()), "", false);
    st.setImage(st.image().withLayer(layer, st.config().withLayer(layer.diffId(), history)));
    st.newLayers.add(layer);
  }
}
