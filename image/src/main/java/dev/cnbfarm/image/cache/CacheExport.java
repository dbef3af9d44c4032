package dev.cnbfarm.image.cache;

import dev.cnbfarm.image.export.ExportResult;
import dev.cnbfarm.image.export.PublishedBuild;
import dev.cnbfarm.image.export.PublishedLayer;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.lifecycle.build.Layer;
import dev.cnbfarm.lifecycle.cache.CacheMetadata;
import dev.cnbfarm.lifecycle.export.LayerTomls;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The exporter's cache step (the reference's {@code phase/cache.go}), run after the app image is
 * written: every layer whose {@code <layer>.toml} says {@code cache = true} and that has a dir goes
 * into the next generation of the cache, "Reusing cache layer '<bp>:<name>'" when its diffID
 * equals the previous generation's, else "Adding cache layer '<bp>:<name>'"; then the metadata is
 * committed. Stateless apart from its reporter.
 */
public final class CacheExport {
  /** What the step did. Immutable. */
  public record Result(List<Entry> layers) {
    public Result {
      layers = List.copyOf(layers);
    }

    /** How many layer blobs reached a cache image with {@code outcome} (none for a cache dir). */
    public long count(BlobPush.Outcome outcome) {
      return layers.stream().filter(e -> e.put().pushed().equals(Optional.of(outcome))).count();
    }
  }

  /** One cached layer: {@code <bp-id>:<layer>} and what putting it did. */
  public record Entry(String id, CachePut put) {}

  private final Reporter reporter;

  public CacheExport(Reporter reporter) {
    this.reporter = Objects.requireNonNull(reporter, "reporter");
  }

  /**
   * Writes the next generation of {@code cache} from {@code layersDir}.
   *
   * @param exported the app image export this run, whose launch layers need no second tar
   */
  public Result write(BuildCache cache, Path layersDir, List<GroupEntry> buildpacks, int uid, int gid,
      Optional<ExportResult> exported) {
    return write(cache, layersDir, buildpacks, uid, gid,
        exported.map(CacheExport::exportedLayers).orElse(Map.of()));
  }

  /**
   * As {@link #write(BuildCache, Path, List, int, int, Optional)} after the build side of an
   * export ({@code published}, the pipeline's build role): its launch layers need no second tar.
   */
  public Result write(BuildCache cache, Path layersDir, List<GroupEntry> buildpacks, int uid, int gid,
      PublishedBuild published) {
    Map<String, CacheLayer.Exported> known = new HashMap<>();
    for (PublishedLayer layer : published.buildpackLayers()) {
      known.putIfAbsent(layer.id(), new CacheLayer.Exported(published.repository(), layer.descriptor(),
          layer.diffId()));
    }
    return write(cache, layersDir, buildpacks, uid, gid, known);
  }

  private Result write(BuildCache cache, Path layersDir, List<GroupEntry> buildpacks, int uid, int gid,
      Map<String, CacheLayer.Exported> known) {
    if (!cache.exists()) {
      reporter.info("Layer cache not found");
    }
    CacheMetadata previous = cache.metadata();
    List<LifecycleMetadata.BuildpackLayers> meta = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    for (GroupEntry bp : buildpacks) {
      Map<String, LifecycleMetadata.LayerMetadata> layers = new LinkedHashMap<>();
      String escaped = LayerTomls.escape(bp.id());
      Map<String, LifecycleMetadata.LayerMetadata> before = previous.layersOf(bp.id());
      for (Layer layer : LayerTomls.read(LayerTomls.buildpackDir(layersDir, bp.id()))) {
        if (!layer.cache()) {
          continue;
        }
        String id = bp.id() + ":" + layer.name();
        if (!Files.isDirectory(layer.dir(), LinkOption.NOFOLLOW_LINKS)) {
          reporter.warn("Failed to cache layer '" + id + "' because it has no contents");
          continue;
        }
        Optional<Digest> old = Optional.ofNullable(before.get(layer.name())).map(LifecycleMetadata.LayerMetadata::sha)
            .filter(s -> !s.isEmpty()).flatMap(CacheExport::digest);
        CachePut put = cache.put(new CacheLayer(id, escaped, layer.name(), layer.dir(), uid, gid,
            Optional.ofNullable(known.get(id)), RestoredLayers.unchanged(layersDir, escaped, layer.name(), uid, gid)),
            old);
        put.warning().ifPresent(w -> reporter.warn("Skipping reuse for layer " + id + ": " + w));
        reporter.info((put.reused() ? "Reusing cache layer '" : "Adding cache layer '") + id + "'");
        reporter.debug("Layer '" + id + "' SHA: " + put.diffId());
        entries.add(new Entry(id, put));
        layers.put(layer.name(), new LifecycleMetadata.LayerMetadata(put.diffId().value(), layer.metadata(),
            layer.build(), layer.launch(), layer.cache()));
      }
      meta.add(new LifecycleMetadata.BuildpackLayers(bp.id(), bp.version(), layers));
    }
    cache.commit(new CacheMetadata(meta));
    return new Result(entries);
  }

  /** The app image's layers by id ({@code <bp-id>:<layer>}...), from the first target: blob and diffID. */
  static Map<String, CacheLayer.Exported> exportedLayers(ExportResult result) {
    Map<String, CacheLayer.Exported> out = new HashMap<>();
    List<Descriptor> blobs = result.image().manifest().layers();
    List<Digest> diffIds = result.image().config().diffIds();
    List<ExportResult.LayerOutcome> first = result.layers().stream()
        .filter(l -> l.target().equals(result.targets().get(0))).toList();
    if (first.size() != blobs.size() || diffIds.size() != blobs.size()) {
      return out; // not the shape this step knows: tar every layer again
    }
    for (int i = 0; i < blobs.size(); i++) {
      if (first.get(i).digest().equals(blobs.get(i).digest())) {
        out.putIfAbsent(first.get(i).id(), new CacheLayer.Exported(result.targets().get(0), blobs.get(i), diffIds.get(i)));
      }
    }
    return out;
  }

  private static Optional<Digest> digest(String sha) {
    try {
      return Optional.of(Digest.parse(sha));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
