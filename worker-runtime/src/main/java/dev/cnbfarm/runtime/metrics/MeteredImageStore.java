package dev.cnbfarm.runtime.metrics;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.Manifest;
import dev.cnbfarm.image.store.Platform;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.OutputStream;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * An image store that counts what a worker role sends to registries (issue 11): {@code
 * cnbfarm.registry.pushed.bytes{phase}}, the bytes of blobs uploaded, and {@code
 * cnbfarm.registry.blobs{phase,outcome}}, blobs by {@link BlobPush.Outcome} (uploaded, mounted,
 * existed). A decorator at the composition root, so the image module stays free of metrics; every
 * call, the default ones too, goes to the store it wraps, which keeps its own behaviour. Thread-safe.
 */
public final class MeteredImageStore implements ImageStore {
  private final ImageStore store;
  private final Counter bytes;
  private final Map<BlobPush.Outcome, Counter> blobs = new EnumMap<>(BlobPush.Outcome.class);

  public MeteredImageStore(ImageStore store, MeterRegistry registry, String phase) {
    this.store = store;
    this.bytes = Counter.builder("cnbfarm.registry.pushed.bytes").baseUnit("bytes")
        .description("blob bytes uploaded to registries (not mounted, not already there)").tag("phase", phase)
        .register(registry);
    for (BlobPush.Outcome o : BlobPush.Outcome.values()) {
      blobs.put(o, Counter.builder("cnbfarm.registry.blobs").description("blobs pushed, by what the push did")
          .tags("phase", phase, "outcome", o.name().toLowerCase(Locale.ROOT)).register(registry));
    }
  }

  private BlobPush counted(BlobPush push) {
    blobs.get(push.outcome()).increment();
    if (push.outcome() == BlobPush.Outcome.UPLOADED) {
      bytes.increment(push.size());
    }
    return push;
  }

  @Override
  public Image read(ImageRef ref) {
    return store.read(ref);
  }

  @Override
  public Image read(ImageRef ref, Platform platform) {
    return store.read(ref, platform);
  }

  @Override
  public boolean hasBlob(ImageRef repository, Digest digest) {
    return store.hasBlob(repository, digest);
  }

  @Override
  public void pullBlob(ImageRef repository, Digest digest, OutputStream out) {
    store.pullBlob(repository, digest, out);
  }

  @Override
  public void pullBlob(ImageRef repository, Descriptor blob, OutputStream out) {
    store.pullBlob(repository, blob, out);
  }

  @Override
  public BlobPush pushBlob(ImageRef repository, LayerBlob blob) {
    return counted(store.pushBlob(repository, blob));
  }

  @Override
  public BlobPush pushBlob(ImageRef repository, byte[] content) {
    return counted(store.pushBlob(repository, content));
  }

  @Override
  public BlobPush mountBlob(ImageRef repository, Digest digest, ImageRef from) {
    return counted(store.mountBlob(repository, digest, from));
  }

  @Override
  public BlobPush copyBlob(ImageRef repository, Descriptor blob, ImageRef from) {
    return counted(store.copyBlob(repository, blob, from));
  }

  @Override
  public BlobPush mountOrCopyBlob(ImageRef repository, Descriptor blob, ImageRef from) {
    return counted(store.mountOrCopyBlob(repository, blob, from));
  }

  @Override
  public Digest pushManifest(ImageRef ref, Manifest manifest, byte[] config) {
    return store.pushManifest(ref, manifest, config);
  }
}
