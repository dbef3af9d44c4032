package dev.cnbfarm.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.engine.detect.DetectSettings;
import dev.cnbfarm.engine.extend.ExtendWorkspace;
import dev.cnbfarm.engine.testing.SampleImages;
import dev.cnbfarm.image.blob.TreeBlobs;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.RegistryImageStore;
import dev.cnbfarm.image.store.RegistrySettings;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.LocalRegistry;
import dev.cnbfarm.schemas.BuildDetected;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detect handler with every image, the source and the {@code <generated>} blob in a real
 * registry (Debian's {@code docker-registry} on 127.0.0.1), as a farm runs it.
 */
class DetectHandlerRegistryTest {
  @TempDir Path tmp;

  private LocalRegistry registry;
  private ImageStore store;

  @BeforeEach
  void startRegistry() {
    registry = LocalRegistry.start();
    store = new RoutingImageStore(new OciLayoutImageStore(), RegistryImageStore.of(RegistrySettings.defaults()));
  }

  @AfterEach
  void stopRegistry() {
    registry.close();
  }

  @Test
  void detectsTheSampleBuilderFromTheRegistryAndPushesTheGeneratedTreeThere() throws Exception {
    SampleImages images = SampleImages.write(store, name -> ImageRef.parse(registry.host() + "/samples/" + name + ":1"),
        tmp);
    ImageRef source = ImageRef.parse(registry.host() + "/apps/hello");
    String app = new TreeBlobs(store, tmp.resolve("blobs")).push(source, images.app()).digest().toString();
    DetectHandler handler = DetectWorker.handler(store, new ExtendWorkspace(tmp.resolve("cache")), tmp.resolve("work"),
        new DetectSettings(2, Duration.ofMinutes(1)));

    BuildDetected detected = (BuildDetected) handler.handle(Requests.of("b-1", images.builder().toString(),
        source.toString(), app, images.run().toString(), Map.of("SAMPLES_RUN_TINY", images.runTiny().withoutDigest()
            .toString())), new TestContext()).outputs().get(0).value();

    assertThat(detected.getBuilderImage()).startsWith(registry.host() + "/samples/builder:1@sha256:");
    assertThat(detected.getRunImage().getReference()).isEqualTo(images.runTiny().toString());
    assertThat(detected.getRunImage().getSwitched()).isTrue();
    assertThat(store.hasBlob(source, Digest.parse(detected.getGeneratedDigest()))).isTrue();
  }
}
