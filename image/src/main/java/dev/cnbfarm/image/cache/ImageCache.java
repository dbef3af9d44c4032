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
import dev.cnbfarm.image.store.LogContext;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.lifecycle.cache.CacheMetadata;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

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
  /** The pipe between the pulling and the unpacking thread. */
  private static final int PIPE_BYTES = 1 << 20;

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

  /**
   * Streams the blob from the cache image into the unpacker (no temp file): one thread pulls it
   * (checking its size and digest), another gunzips and unpacks while a third hashes the tar. The
   * layer is moved into place only after the pull, too, ended well; when either side fails, the
   * error is the side that failed first (a pull cut short, not the truncated tar it leaves).
   */
  @Override
  public void restore(Digest diffId, Path layersDir, String escapedId, String name) {
    Descriptor blob = previousLayer(diffId)
        .orElseThrow(() -> new CacheReadException("failed to find cache layer with SHA '" + diffId + "'"));
    PipedInputStream in = new PipedInputStream(PIPE_BYTES);
    AtomicBoolean readerGone = new AtomicBoolean();
    CompletableFuture<Void> pulled = pull(blob, in, readerGone);
    try {
      LayerRestore.restore(in, () -> pullError(pulled, diffId).ifPresent(x -> {
        throw x;
      }), diffId, layersDir, escapedId, name);
    } catch (CacheReadException e) {
      Optional<CacheReadException> pull = pullError(pulled, diffId);
      throw pull.isPresent() && !readerGone.get() ? pull.get() : e;
    }
  }

  /** Starts pulling {@code blob} into {@code pipe} on its own thread; {@code readerGone} is set when the reader quit first. */
  private CompletableFuture<Void> pull(Descriptor blob, PipedInputStream pipe, AtomicBoolean readerGone) {
    OutputStream out;
    try {
      out = new FilterOutputStream(new PipedOutputStream(pipe)) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          try {
            super.out.write(b, off, len);
          } catch (IOException e) {
            readerGone.set(true); // the unpacker stopped reading: its error is the one to report
            throw e;
          }
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException("cannot connect a pipe", e);
    }
    // with the build's log context, for the registry client's retry warnings
    return CompletableFuture.runAsync(LogContext.carried(() -> {
      // the pull writes in small pieces: batched, the pipe hands the unpacker fewer, larger ones
      try (OutputStream batched = new BufferedOutputStream(out, 1 << 18)) {
        store.pullBlob(ref, blob, batched);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }), r -> {
      Thread t = new Thread(r, "cnbfarm-cache-pull");
      t.setDaemon(true);
      t.start();
    });
  }

  /** Waits for the pull; how it failed, if it did. */
  private static Optional<CacheReadException> pullError(CompletableFuture<Void> pulled, Digest diffId) {
    try {
      pulled.get();
      return Optional.empty();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
      return Optional.of(new CacheReadException("failed to get cache layer with SHA '" + diffId + "': "
          + cause.getMessage(), cause));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(new CacheReadException("interrupted while pulling cache layer " + diffId));
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
