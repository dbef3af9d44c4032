package dev.cnbfarm.image.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.testing.LocalRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImageStore#copyBlob} and {@link ImageStore#mountOrCopyBlob}: a blob moves between an
 * {@code oci:} layout and a registry (both ways) with its bytes intact, a blob already there is not
 * pulled, and within one kind of store it is mounted.
 */
class CrossStoreBlobCopyTest {
  static LocalRegistry registry;
  @TempDir Path tmp;
  final CountingImageStore store = new CountingImageStore(
      new RoutingImageStore(new OciLayoutImageStore(), RegistryImageStore.of(RegistrySettings.defaults())));

  @BeforeAll
  static void start() {
    registry = LocalRegistry.start();
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  private Descriptor layerIn(ImageRef repository, TestImages.Built built) {
    store.pushBlob(repository, built.layer());
    return built.manifest().layers().get(0);
  }

  @Test
  void copiesABlobFromALayoutToARegistryAndBackWithItsBytes() {
    TestImages.Built built = TestImages.build(tmp, "to-registry", Platform.LINUX_AMD64);
    LayoutRef layout = LayoutRef.of(tmp.resolve("layout"), "x");
    Descriptor blob = layerIn(layout, built);
    ImageRef remote = ImageRef.parse(registry.host() + "/copy/app:1");

    BlobPush up = store.copyBlob(remote, blob, layout);
    LayoutRef back = LayoutRef.of(tmp.resolve("back"), "x");
    BlobPush down = store.mountOrCopyBlob(back, blob, remote);

    assertThat(up.outcome()).isEqualTo(BlobPush.Outcome.UPLOADED);
    assertThat(down.outcome()).isEqualTo(BlobPush.Outcome.UPLOADED);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    store.pullBlob(back, blob, bytes);
    assertThat(bytes.size()).isEqualTo(blob.size());
  }

  @Test
  void aBlobTheTargetHasIsNotPulledAgain() {
    TestImages.Built built = TestImages.build(tmp, "again", Platform.LINUX_AMD64);
    LayoutRef layout = LayoutRef.of(tmp.resolve("layout"), "x");
    Descriptor blob = layerIn(layout, built);
    ImageRef remote = ImageRef.parse(registry.host() + "/copy/again:1");
    store.copyBlob(remote, blob, layout);
    store.reset();

    BlobPush again = store.mountOrCopyBlob(remote, blob, layout);

    assertThat(again.outcome()).isEqualTo(BlobPush.Outcome.EXISTED);
    assertThat(store.pulled()).isEmpty();
  }

  @Test
  void withinOneRegistryTheBlobIsMountedNotCopied() {
    TestImages.Built built = TestImages.build(tmp, "mount", Platform.LINUX_AMD64);
    ImageRef base = ImageRef.parse(registry.host() + "/copy/base:1");
    Descriptor blob = layerIn(base, built);
    store.reset();

    BlobPush mounted = store.mountOrCopyBlob(ImageRef.parse(registry.host() + "/copy/mounted:1"), blob, base);

    assertThat(mounted.outcome()).isEqualTo(BlobPush.Outcome.MOUNTED);
    assertThat(store.pulled()).isEmpty();
  }
}
