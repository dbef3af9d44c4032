package dev.cnbfarm.engine.extend;

import dev.cnbfarm.image.dockerfile.DirectoryLayerCache;
import dev.cnbfarm.image.dockerfile.DockerfileApplier;
import dev.cnbfarm.image.dockerfile.ImageLoader;
import dev.cnbfarm.image.dockerfile.ImageStoreLayerCache;
import dev.cnbfarm.image.dockerfile.LayerCache;
import dev.cnbfarm.image.ref.ImageRef;
import java.util.Optional;
import dev.cnbfarm.image.rootfs.RootfsCache;
import dev.cnbfarm.image.rootfs.ScratchSpace;
import dev.cnbfarm.image.sandbox.Sandbox;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A worker's local working area under one cache directory: {@code rootfs/} (unpacked layers by
 * diffID, evicted least recently used over {@code CNBFARM_ROOTFS_CACHE_MAX}), {@code scratch/}
 * (per-step overlay dirs, each owned by a live lock; dead processes' dirs swept at start), {@code layer-cache/} (the
 * extension layer cache), {@code blobs/} and {@code downloads/}. Only caches: deleting it loses
 * nothing but time. One per cache directory per JVM.
 */
public final class ExtendWorkspace {
  private final Path root;
  private final RootfsCache rootfs;
  private final ScratchSpace scratch;

  /** A workspace whose rootfs cache has the budget {@code CNBFARM_ROOTFS_CACHE_MAX} of this process sets. */
  public ExtendWorkspace(Path root) {
    this(root, System.getenv());
  }

  /** @param env where {@code CNBFARM_ROOTFS_CACHE_MAX} (the rootfs cache's size budget) is read */
  public ExtendWorkspace(Path root, Map<String, String> env) {
    this.root = root;
    this.rootfs = RootfsCache.open(root.resolve("rootfs"), env);
    this.scratch = ScratchSpace.open(root.resolve("scratch"));
  }

  public ImageLoader loader(ImageStore store) {
    return new ImageLoader(store, rootfs, root.resolve("downloads"));
  }

  public DockerfileApplier applier(LayerCache cache, Reporter reporter, Duration stepTimeLimit) {
    return new DockerfileApplier(Sandbox.create(), rootfs, scratch, root.resolve("blobs"), cache, reporter,
        stepTimeLimit);
  }

  /**
   * The extension layer cache: shared through the image store when {@code sharedRepository} names
   * a registry repository or an {@code oci:} layout (every worker of a farm sees it), else local.
   */
  public LayerCache layerCache(ImageStore store, Optional<ImageRef> sharedRepository, Duration ttl, Clock clock) {
    return sharedRepository.<LayerCache>map(repo -> new ImageStoreLayerCache(store, repo, root.resolve("blobs"), ttl, clock))
        .orElseGet(() -> new DirectoryLayerCache(root.resolve("layer-cache"), ttl, clock));
  }

  public ScratchSpace scratch() {
    return scratch;
  }

  public Path root() {
    return root;
  }
}
