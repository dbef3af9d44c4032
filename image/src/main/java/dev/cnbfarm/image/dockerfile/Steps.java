package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.layer.NormalisedTime;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.lifecycle.extend.RunImageRules;

/** Shared step bookkeeping: adding a made or cached layer with its history entry. */
final class Steps {
  private Steps() {}

  static void addLayer(BuildState st, StateLayer layer) {
    ImageConfig.History history = new ImageConfig.History(NormalisedTime.EXTENSION_CREATED,
        RunImageRules.history(layer.createdBy(), st.request.extensionId()), "", false);
    st.setImage(st.image().withLayer(layer, st.config().withLayer(layer.diffId(), history)));
    st.newLayers.add(layer);
  }
}
