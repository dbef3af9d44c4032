package dev.cnbfarm.image.cache;

import dev.cnbfarm.image.export.BuildpackLayerTree;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.layer.NormalisedTime;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageAssembly;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.ImageNotFoundException;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.ImageStoreException;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.lifecycle.cache.CacheMetadata;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The build cache as an image (the reference's {@code cache.ImageCache}), in a registry or an
 * {@code oci:} layout, through our {@link ImageStore}: one gzipped layer per cached buildpack
 * layer, the {@code io.buildpacks.lifecycle.cache.metadata} label, a scratch config. The next
 * generation lists the previous one's blob for every reused layer (it is already in the
 * repository: nothing is uploaded), mounts a launch layer the app image export just pushed, and
 * uploads only new layers (after a HEAD). The previous cache image is not deleted (the reference
 * may delete it; a registry's garbage collection reclaims it). Not thread-safe; one phase run.
 */
public final class ImageCache implements BuildCache {
  private final ImageStore store;
  private final ImageRef ref;
  private final Optional<Image> previous;
  private final LayerWriter writer = LayerWriter.of().ignoring(path -> false);
  private final Map<Digest, Descriptor> next = new LinkedHashMap<>();
  private boolean done;

  private ImageCache(ImageStore store, ImageRef ref, Optional<Image> previous) {
    this.store = store;
    this.ref = ref;
    this.previous = previous;
  }

  /** The cache image {@code ref} names; absent (a first build) is an empty cache. */
  public static ImageCache open(ImageStore store, ImageRef ref) {
    Objects.requireNonNull(store, "store");
    Optional<Image> previous;
    try {
      previous = Optional.of(store.read(ref));
    } catch (ImageNotFoundException e) {
      previous = Optional.empty();
    }
    return new ImageCache(store, ref, previous);
  }

  @Override
  public String name() {
    return ref.toString();
  }

  @Override
  public boolean exists() {
    return previous.isPresent();
  }

  @Override
  public CacheMetadata metadata() {
    return previous.map(i -> CacheMetadata.parseOrEmpty(i.config().labels().get(CacheMetadata.LABEL)))
        .orElse(CacheMetadata.empty());
  }

  @Override
  public void restore(Digest diffId, Path layersDir, String escapedId, String name) {
    Descriptor blob = previousLayer(diffId)
        .orElseThrow(() -> new CacheReadException("failed to find cache layer with SHA '" + diffId + "'"));
    Path temp = null;
    try {
      temp = Files.createTempFile("cnbfarm-cache-", ".tar.gz");
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
        store.pullBlob(ref, blob, out);
      }
      InputStream in = Files.newInputStream(temp);
      LayerRestore.restore(in, diffId, layersDir, escapedId, name);
    } catch (ImageStoreException e) {
      throw new CacheReadException("failed to get cache layer with SHA '" + diffId + "': " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore cache layer " + diffId, e);
    } finally {
      if (temp != null) {
        FileTrees.deleteQuietly(temp);
      }
    }
  }

  @Override
  public CachePut put(CacheLayer layer, Optional<Digest> previousSha) {
    requireOpen();
    if (layer.exported().isPresent()) {
      CacheLayer.Exported exported = layer.exported().get();
      Optional<Descriptor> old = previousSha.filter(exported.diffId()::equals).flatMap(this::previousLayer);
      if (old.isPresent()) {
        next.put(exported.diffId(), old.get());
        return new CachePut(exported.diffId(), true, Optional.empty(), Optional.empty());
      }
      BlobPush pushed = store.mountOrCopyBlob(ref, exported.blob(), exported.repository());
      next.put(exported.diffId(), layerDescriptor(exported.blob().digest(), exported.blob().size()));
      return new CachePut(exported.diffId(), false, Optional.of(pushed.outcome()), Optional.empty());
    }
    // restored from this cache and unchanged since: the previous generation's blob, without a tar
    Optional<Descriptor> kept = layer.restored().filter(d -> previousSha.equals(Optional.of(d))).flatMap(this::previousLayer);
    if (kept.isPresent()) {
      next.put(layer.restored().get(), kept.get());
      return new CachePut(layer.restored().get(), true, Optional.empty(), Optional.empty());
    }
    Path work;
    try {
      work = Files.createTempDirectory("cnbfarm-cache-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temp dir", e);
    }
    try {
      LayerBlob blob = writer.writeEntries(
          BuildpackLayerTree.entries(layer.escapedId(), layer.name(), layer.dir(), layer.uid(), layer.gid()),
          work.resolve("layer.tar.gz"));
      Optional<Descriptor> old = previousSha.filter(blob.diffId()::equals).flatMap(this::previousLayer);
      if (old.isPresent()) {
        next.put(blob.diffId(), old.get());
        return new CachePut(blob.diffId(), true, Optional.empty(), Optional.empty());
      }
      Optional<String> warning = previousSha.filter(blob.diffId()::equals)
          .map(d -> "failed to find cache layer with SHA '" + d + "'");
      BlobPush pushed = store.pushBlob(ref, blob);
      next.put(blob.diffId(), layerDescriptor(blob.digest(), blob.size()));
      return new CachePut(blob.diffId(), false, Optional.of(pushed.outcome()), warning);
    } finally {
      FileTrees.deleteQuietly(work);
    }
  }

  @Override
  public void commit(CacheMetadata metadata) {
    requireOpen();
    done = true;
    List<Digest> diffIds = new ArrayList<>(next.keySet());
    List<ImageConfig.History> history = new ArrayList<>();
    diffIds.forEach(d -> history.add(new ImageConfig.History(NormalisedTime.IMAGE_CREATED, "cnbfarm build cache layer",
        "", false)));
    ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64).withCreated(NormalisedTime.IMAGE_CREATED)
        .withLabels(Map.of(CacheMetadata.LABEL, metadata.toJson())).withRootfs(diffIds, history);
    ImageAssembly.of(config, List.copyOf(next.values())).pushTo(store, ref);
  }

  /** The previous cache image's blob of the layer with {@code diffId}. */
  private Optional<Descriptor> previousLayer(Digest diffId) {
    if (previous.isEmpty()) {
      return Optional.empty();
    }
    List<Digest> ids = previous.get().config().diffIds();
    List<Descriptor> layers = previous.get().manifest().layers();
    int i = ids.indexOf(diffId);
    return i < 0 || i >= layers.size() ? Optional.empty() : Optional.of(ImageAssembly.ociLayer(layers.get(i)));
  }

  private static Descriptor layerDescriptor(Digest digest, long size) {
    return Descriptor.of(MediaTypes.OCI_LAYER_GZIP, digest, size);
  }

  private void requireOpen() {
    if (done) {
      throw new IllegalStateException("cache cannot be modified after commit");
    }
  }
}
