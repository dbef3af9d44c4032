package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.layer.LayerBlob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

/**
 * A {@link LayerCache} whose hits are held by this process: each hit's blob is hard-linked into
 * the process's blob dir ({@link dev.cnbfarm.image.rootfs.LocalCache#blobs()}) and returned from
 * there, so the cache's eviction, which spares blobs linked into a live blob dir and may delete the
 * cache's own name at any time, never takes a blob a running extend still reads. A hit whose blob
 * was evicted before it could be held is a miss. The hit's use time is refreshed (the LRU order).
 * Thread-safe if the delegate is.
 */
public final class HeldLayerCache implements LayerCache {
  private final LayerCache delegate;
  private final Path blobDir;

  public HeldLayerCache(LayerCache delegate, Path blobDir) {
    this.delegate = delegate;
    this.blobDir = blobDir;
  }

  @Override
  public Optional<LayerBlob> find(String key) {
    Optional<LayerBlob> hit = delegate.find(key);
    if (hit.isEmpty()) {
      return hit;
    }
    LayerBlob blob = hit.get();
    Path held = blobDir.resolve(blob.digest().hex() + ".tar.gz");
    try {
      BlobLinks.linkOrCopy(blob.file(), held);
      Files.setLastModifiedTime(held, FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException evictedOrUnreadable) {
      return Optional.empty(); // the step just runs
    }
    return Optional.of(new LayerBlob(held, blob.digest(), blob.diffId(), blob.size()));
  }

  @Override
  public void store(String key, LayerBlob blob) {
    delegate.store(key, blob);
  }
}
