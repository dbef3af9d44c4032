package dev.cnbfarm.image.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageAssembly;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.ImageStoreException;
import dev.cnbfarm.image.store.Manifest;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.image.store.RetryableImageStoreException;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The push of an app image's blobs, 4 at a time (a fake store of our port, to see the calls): every
 * layer is provided, several at once, each with the caller's log context, in layer order in the
 * result; a failing one fails the push with its own error.
 */
class AppImagePusherTest {
  static final ImageRef TARGET = ImageRef.parse("registry.example/app:1");
  static final ImageRef RUN = ImageRef.parse("registry.example/run");

  @AfterEach
  void clearMdc() {
    MDC.clear();
  }

  /** Records each mount's digest and the buildId its thread logs with; waits so mounts overlap. */
  static final class MountingStore implements ImageStore {
    final Map<Digest, String> buildIdSeen = new ConcurrentHashMap<>();
    final CountDownLatch together = new CountDownLatch(AppImagePusher.CONCURRENCY);
    volatile Digest failing;
    volatile boolean waitedAlone;

    @Override
    public BlobPush mountBlob(ImageRef repository, Digest digest, ImageRef from) {
      buildIdSeen.put(digest, String.valueOf(MDC.get("buildId")));
      together.countDown();
      try {
        if (!together.await(5, TimeUnit.SECONDS)) {
          waitedAlone = true; // the others never came: the mounts ran one after another
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (digest.equals(failing)) {
        throw new RetryableImageStoreException("registry.example said 503 for " + digest, null);
      }
      return new BlobPush(digest, 1, BlobPush.Outcome.EXISTED);
    }

    @Override
    public Digest pushManifest(ImageRef ref, Manifest manifest, byte[] config) {
      return Digest.of(manifest.toJson());
    }

    @Override
    public Image read(ImageRef ref, Platform platform) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean hasBlob(ImageRef repository, Digest digest) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void pullBlob(ImageRef repository, Digest digest, OutputStream out) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void pullBlob(ImageRef repository, Descriptor blob, OutputStream out) {
      throw new UnsupportedOperationException();
    }

    @Override
    public BlobPush pushBlob(ImageRef repository, LayerBlob blob) {
      throw new UnsupportedOperationException();
    }

    @Override
    public BlobPush pushBlob(ImageRef repository, byte[] content) {
      throw new UnsupportedOperationException();
    }
  }

  private static AppImage image(int layers) {
    List<Descriptor> descriptors = new ArrayList<>();
    List<AppLayer> appLayers = new ArrayList<>();
    ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64);
    for (int i = 0; i < layers; i++) {
      Digest d = Digest.of(("layer " + i).getBytes(StandardCharsets.UTF_8));
      Descriptor desc = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, d, 1);
      descriptors.add(desc);
      appLayers.add(new AppLayer("run:" + i, desc, d, new AppLayer.RunImage(RUN)));
      config = config.withLayer(d, new ImageConfig.History("1980-01-01T00:00:01Z", "", "", false));
    }
    return new AppImage(ImageAssembly.of(config, descriptors), appLayers);
  }

  @Test
  void everyLayerIsProvidedSeveralAtOnceWithTheCallersLogContextInLayerOrder() {
    MountingStore store = new MountingStore();
    AppImage image = image(6);
    MDC.put("buildId", "b-42");

    var result = new AppImagePusher(store, Reporter.NONE).push(image, List.of(TARGET));

    // the first 4 mounts met at the latch: they ran at once (one after another, the first would wait alone)
    assertThat(store.waitedAlone).isFalse();
    assertThat(store.buildIdSeen).hasSize(6).allSatisfy((d, id) -> assertThat(id).isEqualTo("b-42"));
    assertThat(result.layers()).extracting(ExportResult.LayerOutcome::id)
        .containsExactly("run:0", "run:1", "run:2", "run:3", "run:4", "run:5");
  }

  @Test
  void aLayerThatCannotBeProvidedFailsThePushWithItsOwnError() {
    MountingStore store = new MountingStore();
    AppImage image = image(5);
    store.failing = image.layers().get(3).descriptor().digest();

    assertThatThrownBy(() -> new AppImagePusher(store, Reporter.NONE).push(image, List.of(TARGET)))
        .isInstanceOf(ImageStoreException.class).hasMessageContaining("503 for " + store.failing);
  }
}
