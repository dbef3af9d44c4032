package dev.cnbfarm.engine.extend;

import dev.cnbfarm.image.dockerfile.DirectoryLayerCache;
import dev.cnbfarm.image.dockerfile.DockerfileApplier;
import dev.cnbfarm.image.dockerfile.HeldLayerCache;
import dev.cnbfarm.image.dockerfile.ImageLoader;
import dev.cnbfarm.image.dockerfile.ImageStoreLayerCache;
import dev.cnbfarm.image.dockerfile.LayerCache;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.rootfs.LocalCache;
import dev.cnbfarm.image.rootfs.ScratchSpace;
import dev.cnbfarm.image.sandbox.Sandbox;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A worker's local working area: the process's {@link LocalCache} (unpacked layers, step scratch,
 * its own blob dir, downloads and the local extension layer cache, under one budget, every live
 * entry locked so other processes on the cache dir never delete it). Only caches: deleting the dir
 * loses nothing but time. The cache is opened once per process, at its composition root, and
 * handed in.
 */
public final class ExtendWorkspace {
  private final LocalCache cache;

  public ExtendWorkspace(LocalCache cache) {
    this.cache = cache;
  }

  /**
   * A workspace over a cache opened at {@code root} with the budget {@code CNBFARM_CACHE_MAX} of
   * this process sets, held until the process ends (tests and benchmarks).
   */
  public ExtendWorkspace(Path root) {
    this(root, System.getenv());
  }

  /** @param env where {@code CNBFARM_CACHE_MAX} (the cache's size budget) is read */
  public ExtendWorkspace(Path root, Map<String, String> env) {
    this(LocalCache.open(root, env));
  }

  public ImageLoader loader(ImageStore store) {
    return new ImageLoader(store, cache.rootfs(), cache.downloads());
  }

  public DockerfileApplier applier(LayerCache layerCache, Reporter reporter, Duration stepTimeLimit) {
    return new DockerfileApplier(Sandbox.create(), cache.rootfs(), cache.scratch(), cache.blobs(), layerCache,
        reporter, stepTimeLimit);
  }

  /**
   * The extension layer cache: shared through the image store when {@code sharedRepository} names
   * a registry repository or an {@code oci:} layout (every worker of a farm sees it), else local,
   * its hits held in this process's blob dir while the extend uses them.
   */
  public LayerCache layerCache(ImageStore store, Optional<ImageRef> sharedRepository, Duration ttl, Clock clock) {
    return sharedRepository.<LayerCache>map(repo -> new ImageStoreLayerCache(store, repo, cache.blobs(), ttl, clock))
        .orElseGet(() -> new HeldLayerCache(new DirectoryLayerCache(cache.layerCache(), ttl, clock), cache.blobs()));
  }

  /** The local extension layer cache's directory (used when no shared repository is set). */
  public Path localLayerCache() {
    return cache.layerCache();
  }

  public ScratchSpace scratch() {
    return cache.scratch();
  }

  /**
   * This process's own dir in the cache, for its temporary files (plan dirs of the build): no
   * other process touches it, and it is deleted when the cache closes or swept after a crash.
   */
  public Path root() {
    return cache.blobs();
  }
}
