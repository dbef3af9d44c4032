package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.layer.LayerBlob;
import java.util.Optional;

/**
 * The extension layer cache (design.md §5): a step's layer is reusable when its key — base image,
 * instruction chain so far, build args in scope, hashed COPY/ADD sources — matches. Thread-safe
 * implementations may be shared by all appliers of a worker.
 */
public interface LayerCache {
  Optional<LayerBlob> find(String key);

  void store(String key, LayerBlob blob);

  /** No caching at all. */
  LayerCache NONE =
      new LayerCache() {
        @Override
        public Optional<LayerBlob> find(String key) {
          return Optional.empty();
        }

        @Override
        public void store(String key, LayerBlob blob) {}
      };
}
