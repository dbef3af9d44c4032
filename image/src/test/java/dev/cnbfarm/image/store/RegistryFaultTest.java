package dev.cnbfarm.image.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.RegistryRef;
import dev.cnbfarm.image.testing.FaultyRegistry;
import dev.cnbfarm.image.testing.FaultyRegistry.Fault;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each registry fault of issue 12 against {@link FaultyRegistry} on 127.0.0.1, with short
 * timeouts so every case ends in seconds; a hang fails the test at its {@code @Timeout}.
 */
class RegistryFaultTest {
  static final Duration DEADLINE = Duration.ofSeconds(3);
  static final byte[] CONFIG = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
      .getBytes(StandardCharsets.UTF_8);
  static final Manifest MANIFEST = Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(CONFIG), CONFIG.length),
      List.of());

  @TempDir Path dir;
  FaultyRegistry registry;

  ImageStore store(Duration read) {
    return RegistryImageStore.of(RegistrySettings.defaults().withDockerConfig(dir.resolve("config.json"))
        .withRetries(4, Duration.ofMillis(20)).withTimeouts(Duration.ofSeconds(2), read, DEADLINE));
  }

  RegistryRef ref(String suffix) {
    return RegistryRef.parse(registry.host() + "/app" + suffix);
  }

  FaultyRegistry serveOneManifest(Fault fault) {
    return FaultyRegistry.start(fault).serving(MANIFEST.toJson(), MediaTypes.OCI_MANIFEST,
        Map.of(Digest.of(CONFIG).value(), CONFIG));
  }

  @AfterEach
  void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void readsTheManifestWhoseBytesMatchTheRequestedDigest() {
    registry = serveOneManifest(Fault.ONE_MANIFEST_FOR_ANY_REFERENCE);
    Digest digest = Digest.of(MANIFEST.toJson());

    Image image = store(Duration.ofSeconds(2)).read(ref("@" + digest));

    assertThat(image.manifestDigest()).isEqualTo(digest);
  }

  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void refusesAnotherManifestServedForADigestWithoutRetrying() {
    registry = serveOneManifest(Fault.ONE_MANIFEST_FOR_ANY_REFERENCE);
    Digest asked = Digest.of("another manifest".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> store(Duration.ofSeconds(2)).read(ref("@" + asked)))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining(asked.value()).hasMessageContaining(Digest.of(MANIFEST.toJson()).value())
        .hasMessageContaining(registry.host());
  }

  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void refusesAManifestByTagWhoseBytesDoNotMatchDockerContentDigest() {
    registry = serveOneManifest(Fault.LYING_DIGEST_HEADER);

    assertThatThrownBy(() -> store(Duration.ofSeconds(2)).read(ref(":1")))
        .isInstanceOf(InvalidImageException.class).hasMessageContaining("Docker-Content-Digest")
        .hasMessageContaining(registry.host());
  }

  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void refusesABlobWhoseBytesDoNotMatchItsDigestWithoutRetrying() {
    byte[] asked = "the layer we asked for".getBytes(StandardCharsets.UTF_8);
    byte[] sent = "the layer we were sent".getBytes(StandardCharsets.UTF_8);
    registry = FaultyRegistry.start(Fault.ONE_MANIFEST_FOR_ANY_REFERENCE).serving(MANIFEST.toJson(),
        MediaTypes.OCI_MANIFEST, Map.of(Digest.of(asked).value(), sent));
    Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.of(asked), asked.length);

    assertThatThrownBy(() -> store(Duration.ofSeconds(2)).pullBlob(ref(":1"), blob, new ByteArrayOutputStream()))
        .isInstanceOf(InvalidImageException.class).hasMessageContaining(blob.digest().value())
        .hasMessageContaining(registry.host()).hasMessageNotContaining("com.google");
  }

  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void cutsAnEndlessBlobBodyAtItsDescriptorSize() {
    registry = FaultyRegistry.start(Fault.ENDLESS_BLOB);
    Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.of(new byte[1000]), 1000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThatThrownBy(() -> store(Duration.ofSeconds(2)).pullBlob(ref(":1"), blob, out))
        .isInstanceOf(InvalidImageException.class).hasMessageContaining("larger than its descriptor's 1000 bytes")
        .hasMessageContaining(blob.digest().value()).hasMessageContaining(registry.host());
    assertThat(out.size()).isLessThanOrEqualTo(1000);
    assertThat(registry.bodyBytesSent()).isLessThan(64L << 20);
  }

  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anUploadToARegistryThatStopsReadingFailsWithinTheDeadline() {
    registry = FaultyRegistry.start(Fault.STOP_READING_UPLOAD);
    byte[] big = new byte[64 << 20];
    long start = System.nanoTime();

    assertThatThrownBy(() -> store(Duration.ofSeconds(30)).pushBlob(ref(":1"), big))
        .isInstanceOf(RetryableImageStoreException.class)
        .hasMessageContaining(registry.host()).hasMessageContaining(Digest.of(big).value())
        .hasMessageContaining("3 s deadline").hasMessageContaining(RegistrySettings.ENV_TIMEOUT);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(DEADLINE.plusSeconds(3));
  }

  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anAcceptAndCloseEndpointFailsQuicklyWithFewRequests() {
    registry = FaultyRegistry.start(Fault.ACCEPT_AND_CLOSE);
    long start = System.nanoTime();

    assertThatThrownBy(() -> store(Duration.ofSeconds(2)).read(ref(":1")))
        .isInstanceOf(RetryableImageStoreException.class).hasMessageContaining(registry.host())
        .hasMessageContaining("4 attempt");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    // each attempt: HTTPS, unverified HTTPS, plain HTTP (Jib's loopback fallback), no hidden retries
    assertThat(registry.connections()).isLessThanOrEqualTo(4 * 3);
  }

  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aSilentRegistryFailsOnTheReadTimeoutWithinTheDeadline() {
    registry = FaultyRegistry.start(Fault.SILENT);
    long start = System.nanoTime();

    assertThatThrownBy(() -> store(Duration.ofMillis(300)).read(ref(":1")))
        .isInstanceOf(RetryableImageStoreException.class).hasMessageContaining(registry.host());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(DEADLINE.plusSeconds(2));
    assertThat(registry.connections()).isLessThanOrEqualTo(4 * 3);
  }

  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aSilentBlobGetFailsWithinTheDeadline() {
    registry = FaultyRegistry.start(Fault.SILENT_BLOB);
    Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.of(new byte[10]), 10);
    long start = System.nanoTime();

    assertThatThrownBy(() -> store(Duration.ofSeconds(30)).pullBlob(ref(":1"), blob, new ByteArrayOutputStream()))
        .isInstanceOf(RetryableImageStoreException.class).hasMessageContaining(blob.digest().value())
        .hasMessageContaining(registry.host()).hasMessageContaining("deadline");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(DEADLINE.plusSeconds(2));
  }

  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void serviceUnavailableIsRetriedExactlyTheConfiguredAttempts() {
    registry = FaultyRegistry.start(Fault.UNAVAILABLE);

    assertThatThrownBy(() -> store(Duration.ofSeconds(2)).read(ref(":1")))
        .isInstanceOf(RetryableImageStoreException.class).hasMessageContaining("HTTP 503")
        .hasMessageContaining("4 attempt");
    // per attempt: HTTPS, unverified HTTPS, plain HTTP (Jib remembers the fallback only on success)
    assertThat(registry.connections()).isLessThanOrEqualTo(4 * 3);
  }
}
