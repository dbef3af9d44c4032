package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.NormalisedTime;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.ref.RegistryRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.ImageStoreException;
import dev.cnbfarm.image.store.ImageAssembly;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.Platform;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The extension layer cache kept in the image store, shared by every worker of a farm (design.md
 * §5): each entry is a one-layer image tagged {@code layer-<key>} in one repository (a registry
 * repository or an {@code oci:} layout), its creation time in a label for the TTL. A hit fetches
 * the blob only when it is not already in the local blob dir. Store errors degrade to a miss (the
 * step just runs). Thread-safe.
 */
public final class ImageStoreLayerCache implements LayerCache {
  static final String CREATED = "dev.cnbfarm.layer-cache.created";
  private final ImageStore store;
  private final ImageRef repository;
  private final Path blobDir;
  private final Duration ttl;
  private final Clock clock;

  public ImageStoreLayerCache(ImageStore store, ImageRef repository, Path blobDir, Duration ttl, Clock clock) {
    this.store = store;
    this.repository = repository;
    this.blobDir = blobDir;
    this.ttl = ttl;
    this.clock = clock;
  }

  @Override
  public Optional<LayerBlob> find(String key) {
    try {
      Image entry = store.read(ref(key));
      Instant created = Instant.ofEpochMilli(Long.parseLong(entry.config().labels().getOrDefault(CREATED, "0")));
      if (created.plus(ttl).isBefore(clock.instant()) || entry.manifest().layers().size() != 1) {
        return Optional.empty();
      }
      Descriptor layer = entry.manifest().layers().get(0);
      return Optional.of(new LayerBlob(local(entry.ref(), layer), layer.digest(), entry.config().diffIds().get(0),
          layer.size()));
    } catch (ImageStoreException | IOException | UncheckedIOException | NumberFormatException e) {
      return Optional.empty(); // not cached, expired, or unreadable: the step runs
    }
  }

  @Override
  public void store(String key, LayerBlob blob) {
    ImageRef ref = ref(key);
    store.pushBlob(ref, blob);
    ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64)
        .withLayer(blob.diffId(), new ImageConfig.History(NormalisedTime.IMAGE_CREATED, "cnbfarm layer cache", "", false))
        .withLabels(Map.of(CREATED, Long.toString(clock.millis())));
    ImageAssembly.of(config, List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob.digest(), blob.size())))
        .pushTo(store, ref);
  }

  private Path local(ImageRef from, Descriptor layer) throws IOException {
    Path file = blobDir.resolve(layer.digest().hex() + ".tar.gz");
    if (Files.isRegularFile(file)) {
      return file;
    }
    Files.createDirectories(blobDir);
    Path tmp = Files.createTempFile(blobDir, "cached", ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      store.pullBlob(from, layer, out);
    } catch (UncheckedIOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return file;
  }

  private ImageRef ref(String key) {
    String tag = "layer-" + key;
    if (repository instanceof LayoutRef l) {
      return LayoutRef.of(l.directory(), tag);
    }
    RegistryRef r = (RegistryRef) repository;
    return RegistryRef.of(r.registry(), r.repository(), Optional.of(tag), Optional.empty());
  }
}
