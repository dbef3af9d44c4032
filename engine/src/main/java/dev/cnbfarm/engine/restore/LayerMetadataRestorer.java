package dev.cnbfarm.engine.restore;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.cache.CacheMetadata;
import dev.cnbfarm.lifecycle.export.LayerTomls;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.report.Reporter;
import dev.cnbfarm.lifecycle.toml.Toml;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes {@code <layers>/<bp>/<layer>.toml} for the layers a buildpack may reuse (the reference's
 * {@code layer.DefaultMetadataRestorer}): launch layers from the previous app image's metadata
 * (unless {@code build = true, cache = false}: the buildpack remakes those; unless {@code cache =
 * true} and the cache lacks them), and cache layers from the cache metadata that the app image
 * did not give (a {@code launch = true, cache = true} layer only from Platform API 0.14, when the
 * app image lacks it). Only {@code [metadata]} is written: the buildpack opts in again by setting
 * {@code [types]} (buildpack.md "Layer Types"; every Buildpack API we support). Returns the diffID
 * each written toml stands for. Stateless apart from its reporter.
 */
final class LayerMetadataRestorer {
  private final Reporter reporter;
  private final RestoredFiles files;

  LayerMetadataRestorer(Reporter reporter, RestoredFiles files) {
    this.reporter = reporter;
    this.files = files;
  }

  /** {@code <bp-id>:<layer>} → the diffID its restored toml stands for. */
  Map<String, String> restore(List<GroupEntry> buildpacks, List<LifecycleMetadata.BuildpackLayers> app,
      CacheMetadata cache, Path layersDir, ApiVersion platformApi) {
    Map<String, String> shas = new HashMap<>();
    for (GroupEntry bp : buildpacks) {
      Path dir = LayerTomls.buildpackDir(layersDir, bp.id());
      Map<String, LifecycleMetadata.LayerMetadata> appLayers = layersOf(app, bp.id());
      Map<String, LifecycleMetadata.LayerMetadata> cached = cache.layersOf(bp.id());
      appLayers.forEach((name, layer) -> {
        String id = bp.id() + ":" + name;
        if (!layer.launch()) {
          reporter.debug("Not restoring metadata for \"" + id + "\", marked as launch=false");
        } else if (layer.build() && !layer.cache()) {
          reporter.debug("Not restoring metadata for \"" + id + "\", marked as build=true, cache=false");
        } else if (layer.cache() && !Optional.ofNullable(cached.get(name)).map(LifecycleMetadata.LayerMetadata::cache)
            .orElse(false)) {
          reporter.debug("Not restoring metadata for \"" + id + "\", marked as cache=true, but not found in cache");
        } else {
          reporter.info("Restoring metadata for \"" + id + "\" from app image");
          write(dir, name, layer, id, shas);
        }
      });
      cached.forEach((name, layer) -> {
        String id = bp.id() + ":" + name;
        if (!layer.cache()) {
          reporter.debug("Not restoring \"" + id + "\" from cache, marked as cache=false");
        } else if (layer.launch() && (appLayers.containsKey(name) || platformApi.lessThan("0.14"))) {
          // before 0.14 a launch layer missing from the app image is not restored (platform.md "restorer")
          reporter.debug("Not restoring \"" + id + "\" from cache, marked as launch=true");
        } else {
          reporter.info("Restoring metadata for \"" + id + "\" from cache");
          write(dir, name, layer, id, shas);
        }
      });
    }
    return shas;
  }

  private void write(Path dir, String name, LifecycleMetadata.LayerMetadata layer, String id, Map<String, String> shas) {
    reporter.debug("Writing layer metadata for \"" + id + "\"");
    files.write(dir.resolve(name + ".toml"), Toml.format(Map.of("metadata", layer.data())));
    shas.put(id, layer.sha());
  }

  static Map<String, LifecycleMetadata.LayerMetadata> layersOf(List<LifecycleMetadata.BuildpackLayers> bps, String id) {
    return bps.stream().filter(b -> b.key().equals(id)).findFirst().map(LifecycleMetadata.BuildpackLayers::layers)
        .orElse(Map.of());
  }
}
