package dev.cnbfarm.image.testing;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.Manifest;
import dev.cnbfarm.image.store.Platform;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test decorator: delegates everything and records which blobs were pulled. Thread-safe. */
public final class CountingImageStore implements ImageStore {
  private final ImageStore delegate;
  private final List<Digest> pulled = new CopyOnWriteArrayList<>();

  public CountingImageStore(ImageStore delegate) {
    this.delegate = delegate;
  }

  /** Every blob digest passed to {@link #pullBlob}, in call order. */
  public List<Digest> pulled() {
    return List.copyOf(pulled);
  }

  public void reset() {
    pulled.clear();
  }

  @Override
  public Image read(ImageRef ref, Platform platform) {
    return delegate.read(ref, platform);
  }

  @Override
  public boolean hasBlob(ImageRef repository, Digest digest) {
    return delegate.hasBlob(repository, digest);
  }

  @Override
  public void pullBlob(ImageRef repository, Digest digest, OutputStream out) {
    pulled.add(digest);
    delegate.pullBlob(repository, digest, out);
  }

  @Override
  public BlobPush pushBlob(ImageRef repository, LayerBlob blob) {
    return delegate.pushBlob(repository, blob);
  }

  @Override
  public BlobPush pushBlob(ImageRef repository, byte[] content) {
    return delegate.pushBlob(repository, content);
  }

  @Override
  public BlobPush mountBlob(ImageRef repository, Digest digest, ImageRef from) {
    return delegate.mountBlob(repository, digest, from);
  }

  @Override
  public Digest pushManifest(ImageRef ref, Manifest manifest, byte[] config) {
    return delegate.pushManifest(ref, manifest, config);
  }
}
