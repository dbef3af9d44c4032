package dev.cnbfarm.image.store;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delegates everything and records which blobs were pulled and how many were uploaded: how
 * benchmarks and tests prove that export and rebase move no layer bytes. Thread-safe.
 */
public final class CountingImageStore implements ImageStore {
  private final ImageStore delegate;
  private final List<Digest> pulled = new CopyOnWriteArrayList<>();
  private final AtomicInteger uploads = new AtomicInteger();

  public CountingImageStore(ImageStore delegate) {
    this.delegate = delegate;
  }

  /** Every blob digest passed to {@link #pullBlob}, in call order. */
  public List<Digest> pulled() {
    return List.copyOf(pulled);
  }

  /** How many blob pushes or mounts ended {@link BlobPush.Outcome#UPLOADED}. */
  public int uploads() {
    return uploads.get();
  }

  public void reset() {
    pulled.clear();
    uploads.set(0);
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
  public void pullBlob(ImageRef repository, Descriptor blob, OutputStream out) {
    pulled.add(blob.digest());
    delegate.pullBlob(repository, blob, out);
  }

  @Override
  public BlobPush pushBlob(ImageRef repository, LayerBlob blob) {
    return counted(delegate.pushBlob(repository, blob));
  }

  @Override
  public BlobPush pushBlob(ImageRef repository, byte[] content) {
    return counted(delegate.pushBlob(repository, content));
  }

  @Override
  public BlobPush mountBlob(ImageRef repository, Digest digest, ImageRef from) {
    return counted(delegate.mountBlob(repository, digest, from));
  }

  @Override
  public Digest pushManifest(ImageRef ref, Manifest manifest, byte[] config) {
    return delegate.pushManifest(ref, manifest, config);
  }

  private BlobPush counted(BlobPush push) {
    if (push.outcome() == BlobPush.Outcome.UPLOADED) {
      uploads.incrementAndGet();
    }
    return push;
  }
}
