package dev.cnbfarm.image.testing;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerEntry;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.ImageNotFoundException;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.ImageStoreException;
import dev.cnbfarm.image.store.ImageStoreUnauthorizedException;
import dev.cnbfarm.image.store.InvalidImageException;
import dev.cnbfarm.image.store.Manifest;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.image.store.RetryableImageStoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A hand-written fake of the {@link ImageStore} port, for failure paths of phases without a
 * registry (style.md §8): a scripted failure per operation (the manifest read works, every blob
 * pull answers 503...) and a record of the calls, over images and blobs in memory (content-addressed:
 * every repository sees every blob) or {@link #over} a real store holding fixture images. {@link
 * #answer} gives the failure the registry adapter gives for an HTTP status. Thread-safe.
 */
public final class FakeImageStore implements ImageStore {
  /** The port's operations, as failures are scripted and calls recorded. */
  public enum Op { READ, HAS_BLOB, PULL_BLOB, PUSH_BLOB, MOUNT_BLOB, PUSH_MANIFEST }

  private final ImageStore backing;
  private final Map<Op, Supplier<? extends RuntimeException>> failures = new ConcurrentHashMap<>();
  private final List<String> calls = new ArrayList<>();

  /** A fake over an empty in-memory store. */
  public FakeImageStore() {
    this(new Memory());
  }

  private FakeImageStore(ImageStore backing) {
    this.backing = backing;
  }

  /** A fake whose operations, unless scripted to fail, are {@code real}'s. */
  public static FakeImageStore over(ImageStore real) {
    return new FakeImageStore(real);
  }

  /**
   * The failure the registry adapter gives for HTTP {@code status} of the operation {@code what}
   * (as {@code RegistryCalls} words it): 401/403 unauthorized, 404 not found, other 4xx invalid,
   * 5xx retryable (after its attempts).
   */
  public static ImageStoreException answer(int status, String what) {
    if (status == 401 || status == 403) {
      return new ImageStoreUnauthorizedException(what + ": denied (HTTP " + status + ")");
    }
    if (status == 404) {
      return new ImageNotFoundException(what + ": not found");
    }
    if (status >= 400 && status < 500) {
      return new InvalidImageException(what + ": rejected (HTTP " + status + ")");
    }
    return new RetryableImageStoreException(what + " failed after 4 attempt(s): HTTP " + status);
  }

  /** From now on every {@code op} throws what {@code failure} supplies (the other operations work). */
  public FakeImageStore failing(Op op, Supplier<? extends RuntimeException> failure) {
    failures.put(op, failure);
    return this;
  }

  /** From now on every {@code op} answers HTTP {@code status} (see {@link #answer}). */
  public FakeImageStore answering(Op op, int status) {
    return failing(op, () -> answer(status, op.name().toLowerCase().replace('_', ' ')));
  }

  /** The calls so far, as {@code <OP> <argument>}, in order. */
  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  /**
   * Adds a linux/amd64 image under {@code ref} with one layer holding {@code files} (top-level
   * path → text, mode 0644), written under {@code scratch}; neither recorded nor failed.
   */
  public Image add(ImageRef ref, Path scratch, Map<String, String> files) {
    return add(ref, scratch, files, List.of("PATH=/usr/bin:/bin"));
  }

  /** As {@link #add(ImageRef, Path, Map)}, with {@code env} as the config's {@code Env}. */
  public Image add(ImageRef ref, Path scratch, Map<String, String> files, List<String> env) {
    List<LayerEntry> entries = new ArrayList<>();
    files.forEach((path, text) -> entries.add(LayerEntry.file(path, text.getBytes(StandardCharsets.UTF_8), 0644)));
    LayerBlob layer = LayerWriter.of().writeEntries(entries, scratch.resolve("layer-" + System.nanoTime() + ".tar.gz"));
    byte[] config = ImageConfig.empty(Platform.LINUX_AMD64)
        .withLayer(layer.diffId(), new ImageConfig.History("", "fake image store", "", false))
        .withEnv(env).toJson();
    backing.pushBlob(ref, layer);
    Manifest manifest = Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(config), config.length),
        List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer.digest(), layer.size())));
    backing.pushManifest(ref, manifest, config);
    return backing.read(ref);
  }

  @Override
  public Image read(ImageRef ref, Platform platform) {
    call(Op.READ, ref.toString());
    return backing.read(ref, platform);
  }

  @Override
  public boolean hasBlob(ImageRef repository, Digest digest) {
    call(Op.HAS_BLOB, digest.value());
    return backing.hasBlob(repository, digest);
  }

  @Override
  public void pullBlob(ImageRef repository, Digest digest, OutputStream out) {
    call(Op.PULL_BLOB, digest.value());
    backing.pullBlob(repository, digest, out);
  }

  @Override
  public void pullBlob(ImageRef repository, Descriptor blob, OutputStream out) {
    call(Op.PULL_BLOB, blob.digest().value());
    backing.pullBlob(repository, blob, out);
  }

  @Override
  public BlobPush pushBlob(ImageRef repository, LayerBlob blob) {
    call(Op.PUSH_BLOB, blob.digest().value());
    return backing.pushBlob(repository, blob);
  }

  @Override
  public BlobPush pushBlob(ImageRef repository, byte[] content) {
    call(Op.PUSH_BLOB, Digest.of(content).value());
    return backing.pushBlob(repository, content);
  }

  @Override
  public BlobPush mountBlob(ImageRef repository, Digest digest, ImageRef from) {
    call(Op.MOUNT_BLOB, digest.value());
    return backing.mountBlob(repository, digest, from);
  }

  @Override
  public Digest pushManifest(ImageRef ref, Manifest manifest, byte[] config) {
    call(Op.PUSH_MANIFEST, ref.toString());
    return backing.pushManifest(ref, manifest, config);
  }

  private void call(Op op, String argument) {
    synchronized (this) {
      calls.add(op + " " + argument);
    }
    Supplier<? extends RuntimeException> failure = failures.get(op);
    if (failure != null) {
      throw failure.get();
    }
  }

  /** Images by reference and digest, blobs by digest, in memory. Thread-safe. */
  private static final class Memory implements ImageStore {
    private final Map<String, Image> images = new ConcurrentHashMap<>();
    private final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();

    @Override
    public Image read(ImageRef ref, Platform platform) {
      Image image = images.get(ref.toString());
      if (image == null) {
        image = ref.digest().map(d -> images.get(d.value())).orElseGet(() -> images.get(ref.withoutDigest().toString()));
      }
      if (image == null) {
        throw new ImageNotFoundException("read " + ref + ": not found");
      }
      return new Image(ref, image.manifestDigest(), image.manifest(), image.config());
    }

    @Override
    public boolean hasBlob(ImageRef repository, Digest digest) {
      return blobs.containsKey(digest);
    }

    @Override
    public void pullBlob(ImageRef repository, Digest digest, OutputStream out) {
      byte[] blob = blobs.get(digest);
      if (blob == null) {
        throw new ImageNotFoundException("pull blob " + digest + " from " + repository + ": not found");
      }
      try {
        out.write(blob);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void pullBlob(ImageRef repository, Descriptor blob, OutputStream out) {
      pullBlob(repository, blob.digest(), out);
    }

    @Override
    public BlobPush pushBlob(ImageRef repository, LayerBlob blob) {
      try {
        return store(blob.digest(), Files.readAllBytes(blob.file()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public BlobPush pushBlob(ImageRef repository, byte[] content) {
      return store(Digest.of(content), content.clone());
    }

    @Override
    public BlobPush mountBlob(ImageRef repository, Digest digest, ImageRef from) {
      byte[] blob = blobs.get(digest);
      if (blob == null) {
        throw new ImageNotFoundException("no blob " + digest + " in " + from);
      }
      return new BlobPush(digest, blob.length, BlobPush.Outcome.MOUNTED);
    }

    @Override
    public Digest pushManifest(ImageRef ref, Manifest manifest, byte[] config) {
      for (Descriptor layer : manifest.layers()) {
        if (!blobs.containsKey(layer.digest())) {
          throw new InvalidImageException("push manifest " + ref + ": layer " + layer.digest() + " is not in the store");
        }
      }
      blobs.put(Digest.of(config), config.clone());
      Digest digest = Digest.of(manifest.toJson());
      Image image = new Image(ref, digest, manifest, ImageConfig.parse(config));
      images.put(ref.withoutDigest().toString(), image);
      images.put(digest.value(), image);
      return digest;
    }

    private BlobPush store(Digest digest, byte[] content) {
      boolean existed = blobs.putIfAbsent(digest, content) != null;
      return new BlobPush(digest, content.length, existed ? BlobPush.Outcome.EXISTED : BlobPush.Outcome.UPLOADED);
    }
  }
}
