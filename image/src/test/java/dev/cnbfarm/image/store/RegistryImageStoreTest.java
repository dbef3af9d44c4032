package dev.cnbfarm.image.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.RegistryRef;
import dev.cnbfarm.image.testing.Commands;
import dev.cnbfarm.image.testing.LocalRegistry;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryImageStoreTest {
  static LocalRegistry registry;
  static final ImageStore store = RegistryImageStore.of(RegistrySettings.defaults().withRetries(2, Duration.ofMillis(10)));
  @TempDir Path tmp;

  @BeforeAll
  static void startRegistry() {
    registry = LocalRegistry.start();
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  RegistryRef ref(String repoAndTag) {
    return RegistryRef.parse(registry.host() + "/" + repoAndTag);
  }

  @Test
  void pushesAnImageAndReadsItBack() {
    TestImages.Built built = TestImages.build(tmp, "a", Platform.LINUX_AMD64);
    RegistryRef ref = ref("app:1");

    assertThat(store.hasBlob(ref, built.layer().digest())).isFalse();
    assertThat(store.pushBlob(ref, built.layer()).outcome()).isEqualTo(BlobPush.Outcome.UPLOADED);
    Digest digest = store.pushManifest(ref, built.manifest(), built.config());
    Image image = store.read(ref);

    assertThat(digest).as("same digest as the canonical JSON an OCI layout stores")
        .isEqualTo(Digest.of(built.manifest().toJson()));
    assertThat(image.manifestDigest()).isEqualTo(digest);
    assertThat(image.manifest()).isEqualTo(built.manifest());
    assertThat(image.config().env()).contains("NAME=a");
    assertThat(image.config().toJson()).isEqualTo(built.config());
    assertThat(store.read(ref.withDigest(digest)).manifestDigest()).isEqualTo(digest);
    ByteArrayOutputStream layer = new ByteArrayOutputStream();
    store.pullBlob(ref, built.layer().digest(), layer);
    assertThat(Digest.of(layer.toByteArray())).isEqualTo(built.layer().digest());
    assertThat(Commands.run("skopeo", "inspect", "--tls-verify=false", "docker://" + ref))
        .contains(digest.value(), built.layer().digest().value());
  }

  @Test
  void headSkipsReuploadOfKnownBlobs() {
    TestImages.Built built = TestImages.build(tmp, "b", Platform.LINUX_AMD64);
    RegistryRef ref = ref("skip:1");

    assertThat(store.pushBlob(ref, built.layer()).outcome()).isEqualTo(BlobPush.Outcome.UPLOADED);
    assertThat(store.pushBlob(ref, built.layer()).outcome()).isEqualTo(BlobPush.Outcome.EXISTED);
    assertThat(store.pushBlob(ref, built.config()).outcome()).isEqualTo(BlobPush.Outcome.UPLOADED);
    assertThat(store.pushBlob(ref, built.config()).outcome()).isEqualTo(BlobPush.Outcome.EXISTED);
  }

  @Test
  void mountsBlobsAcrossRepositories() {
    TestImages.Built built = TestImages.build(tmp, "c", Platform.LINUX_AMD64);
    RegistryRef base = ref("base:1");
    RegistryRef app = ref("mounted-app:1");
    store.pushBlob(base, built.layer());

    BlobPush mounted = store.mountBlob(app, built.layer().digest(), base);

    assertThat(mounted.outcome()).isEqualTo(BlobPush.Outcome.MOUNTED);
    assertThat(mounted.size()).isEqualTo(built.layer().size());
    assertThat(store.hasBlob(app, built.layer().digest())).isTrue();
    assertThat(store.mountBlob(app, built.layer().digest(), base).outcome()).isEqualTo(BlobPush.Outcome.EXISTED);
    assertThatThrownBy(() -> store.mountBlob(ref("other:1"), Digest.of(new byte[] {9}), base))
        .isInstanceOf(ImageNotFoundException.class);
  }

  @Test
  void copiesBlobsBetweenRegistriesWhenMountingIsImpossible() {
    TestImages.Built built = TestImages.build(tmp, "d", Platform.LINUX_AMD64);
    RegistryRef base = ref("cross-base:1");
    store.pushBlob(base, built.layer());
    try (LocalRegistry other = LocalRegistry.start()) {
      RegistryRef target = RegistryRef.parse(other.host() + "/app:1");

      BlobPush copied = store.mountBlob(target, built.layer().digest(), base);

      assertThat(copied.outcome()).isEqualTo(BlobPush.Outcome.UPLOADED);
      assertThat(copied.size()).isEqualTo(built.layer().size());
      assertThat(store.hasBlob(target, built.layer().digest())).isTrue();
    }
  }

  @Test
  void resolvesAnIndexToLinuxAmd64() throws Exception {
    TestImages.Built amd = TestImages.build(tmp, "amd", Platform.LINUX_AMD64);
    TestImages.Built arm = TestImages.build(tmp, "arm", Platform.parse("linux/arm64"));
    Digest amdDigest = push(ref("multi:amd"), amd);
    Digest armDigest = push(ref("multi:arm"), arm);
    byte[] index = TestImages.index(List.of(
        new Object[] {armDigest, arm.manifest().toJson().length, "linux", "arm64"},
        new Object[] {amdDigest, amd.manifest().toJson().length, "linux", "amd64"}));
    HttpResponse<String> put = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(registry.uri() + "/v2/multi/manifests/latest"))
            .header("Content-Type", MediaTypes.OCI_INDEX).PUT(HttpRequest.BodyPublishers.ofByteArray(index)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);

    Image image = store.read(ref("multi"));
    assertThat(image.manifestDigest()).isEqualTo(amdDigest);
    assertThat(image.config().env()).contains("NAME=amd");
    assertThat(store.read(ref("multi"), Platform.parse("linux/arm64")).manifestDigest()).isEqualTo(armDigest);
    assertThatThrownBy(() -> store.read(ref("multi"), Platform.parse("linux/s390x")))
        .isInstanceOf(InvalidImageException.class);
  }

  @Test
  void missingImagesAreNotFound() {
    assertThatThrownBy(() -> store.read(ref("nothing-here:1"))).isInstanceOf(ImageNotFoundException.class)
        .hasMessageContaining("nothing-here");
    assertThatThrownBy(() -> store.pullBlob(ref("nothing-here:1"), Digest.of(new byte[0]), OutputStream.nullOutputStream()))
        .isInstanceOf(ImageNotFoundException.class);
  }

  @Test
  void rejectsLayoutReferences() {
    assertThatThrownBy(() -> store.read(ImageRef.parse("oci:/tmp/x:1"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pushesA50MbLayer() throws Exception {
    Path src = Files.createDirectory(tmp.resolve("big"));
    byte[] random = new byte[50 << 20];
    new Random(42).nextBytes(random);
    Files.write(src.resolve("random.bin"), random);

    long t0 = System.nanoTime();
    LayerBlob blob = LayerWriter.of().writeTree(src, tmp.resolve("big.tar.gz"));
    long t1 = System.nanoTime();
    BlobPush first = store.pushBlob(ref("big:1"), blob);
    long t2 = System.nanoTime();
    BlobPush second = store.pushBlob(ref("big:1"), blob);
    long t3 = System.nanoTime();

    assertThat(first.outcome()).isEqualTo(BlobPush.Outcome.UPLOADED);
    assertThat(second.outcome()).isEqualTo(BlobPush.Outcome.EXISTED);
    System.out.printf("50 MB random layer: write %d ms (%.0f MB/s), push %d ms, re-push (HEAD) %d ms%n",
        (t1 - t0) / 1_000_000, 50e3 / ((t1 - t0) / 1e6), (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
  }

  private Digest push(RegistryRef ref, TestImages.Built built) {
    store.pushBlob(ref, built.layer());
    return store.pushManifest(ref, built.manifest(), built.config());
  }
}
