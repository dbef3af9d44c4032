package dev.cnbfarm.image.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.testing.Commands;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutImageStoreTest {
  @TempDir Path tmp;
  final ImageStore store = new OciLayoutImageStore();

  @Test
  void writesAndReadsBackAnImage() {
    Path layout = tmp.resolve("layout");
    LayoutRef ref = LayoutRef.of(layout, "v1");
    TestImages.Built built = TestImages.build(tmp, "a", Platform.LINUX_AMD64);

    assertThat(store.pushBlob(ref, built.layer()).outcome()).isEqualTo(BlobPush.Outcome.UPLOADED);
    assertThat(store.pushBlob(ref, built.layer()).outcome()).isEqualTo(BlobPush.Outcome.EXISTED);
    Digest digest = store.pushManifest(ref, built.manifest(), built.config());
    Image image = store.read(ref);

    assertThat(digest).isEqualTo(Digest.of(built.manifest().toJson()));
    assertThat(image.manifestDigest()).isEqualTo(digest);
    assertThat(image.manifest()).isEqualTo(built.manifest());
    assertThat(image.config().env()).contains("NAME=a");
    assertThat(image.config().diffIds()).containsExactly(built.layer().diffId());
    assertThat(store.read(ref.withDigest(digest)).manifest()).isEqualTo(built.manifest());
    assertThat(store.read(ImageRef.parse("oci:" + layout)).manifestDigest()).isEqualTo(digest);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.pullBlob(ref, built.layer().digest(), out);
    assertThat(Digest.of(out.toByteArray())).isEqualTo(built.layer().digest());
    assertThat(layout.resolve("oci-layout")).hasContent("{\"imageLayoutVersion\":\"1.0.0\"}");
  }

  @Test
  void retaggingReplacesTheIndexEntry() {
    LayoutRef ref = LayoutRef.of(tmp.resolve("layout"), "latest");
    TestImages.Built a = TestImages.build(tmp, "a", Platform.LINUX_AMD64);
    TestImages.Built b = TestImages.build(tmp, "b", Platform.LINUX_AMD64);
    store.pushBlob(ref, a.layer());
    store.pushBlob(ref, b.layer());
    store.pushManifest(ref, a.manifest(), a.config());
    Digest second = store.pushManifest(ref, b.manifest(), b.config());
    store.pushManifest(LayoutRef.of(tmp.resolve("layout"), "old"), a.manifest(), a.config());

    assertThat(store.read(ref).manifestDigest()).isEqualTo(second);
    assertThat(store.read(LayoutRef.of(tmp.resolve("layout"), "old")).config().env()).contains("NAME=a");
  }

  @Test
  void skopeoAndUmociReadWhatWeWrite() throws Exception {
    Path layout = tmp.resolve("layout");
    LayoutRef ref = LayoutRef.of(layout, "v1");
    TestImages.Built built = TestImages.build(tmp, "a", Platform.LINUX_AMD64);
    store.pushBlob(ref, built.layer());
    Digest digest = store.pushManifest(ref, built.manifest(), built.config());

    String inspect = Commands.run("skopeo", "inspect", "oci:" + layout + ":v1");
    assertThat(inspect).contains(digest.value()).contains(built.layer().digest().value()).contains("NAME=a");
    Commands.run("umoci", "unpack", "--image", layout + ":v1", tmp.resolve("bundle").toString());
    Path rootfs = tmp.resolve("bundle/rootfs");
    assertThat(rootfs.resolve("app/hello.txt")).hasContent("hello from a");
    assertThat(Files.readSymbolicLink(rootfs.resolve("app/link"))).isEqualTo(Path.of("hello.txt"));
  }

  @Test
  void readsALayoutSkopeoWrote() {
    Path layout = tmp.resolve("layout");
    TestImages.Built built = TestImages.build(tmp, "a", Platform.LINUX_AMD64);
    store.pushBlob(LayoutRef.of(layout, "v1"), built.layer());
    store.pushManifest(LayoutRef.of(layout, "v1"), built.manifest(), built.config());
    Commands.run("skopeo", "copy", "oci:" + layout + ":v1", "oci:" + tmp.resolve("copy") + ":copied");

    Image copied = store.read(LayoutRef.of(tmp.resolve("copy"), "copied"));
    assertThat(copied.manifest().layers()).extracting(Descriptor::digest).containsExactly(built.layer().digest());
    assertThat(copied.config().labels()).containsEntry("io.buildpacks.test", "a");
  }

  @Test
  void resolvesAnIndexToTheRequestedPlatform() throws Exception {
    Path layout = tmp.resolve("layout");
    TestImages.Built amd = TestImages.build(tmp, "amd", Platform.LINUX_AMD64);
    TestImages.Built arm = TestImages.build(tmp, "arm", Platform.parse("linux/arm64"));
    Digest amdDigest = push(layout, "amd", amd);
    Digest armDigest = push(layout, "arm", arm);
    byte[] index = TestImages.index(List.of(
        new Object[] {armDigest, arm.manifest().toJson().length, "linux", "arm64"},
        new Object[] {amdDigest, amd.manifest().toJson().length, "linux", "amd64"}));
    BlobPush indexBlob = store.pushBlob(LayoutRef.of(layout, "x"), index);
    Path indexJson = layout.resolve("index.json");
    ObjectNode top = (ObjectNode) Json.MAPPER.readTree(indexJson.toFile());
    top.withArray("manifests").add(new Descriptor(MediaTypes.OCI_INDEX, indexBlob.digest(), index.length,
        Map.of(OciLayoutImageStore.REF_NAME, "multi")).toJson());
    Files.write(indexJson, Json.bytes(top));

    LayoutRef multi = LayoutRef.of(layout, "multi");
    assertThat(store.read(multi).manifestDigest()).isEqualTo(amdDigest);
    assertThat(store.read(multi, Platform.parse("linux/arm64")).config().env()).contains("NAME=arm");
    assertThatThrownBy(() -> store.read(multi, Platform.parse("windows/amd64")))
        .isInstanceOf(InvalidImageException.class).hasMessageContaining("windows/amd64");
  }

  @Test
  void missingTagsAndLayoutsAreNotFound() {
    assertThatThrownBy(() -> store.read(LayoutRef.of(tmp.resolve("none"), "x")))
        .isInstanceOf(ImageNotFoundException.class);
    TestImages.Built built = TestImages.build(tmp, "a", Platform.LINUX_AMD64);
    LayoutRef ref = LayoutRef.of(tmp.resolve("layout"), "v1");
    assertThatThrownBy(() -> store.pushManifest(ref, built.manifest(), built.config()))
        .isInstanceOf(ImageNotFoundException.class).hasMessageContaining(built.layer().digest().value());
    push(tmp.resolve("layout"), "v1", built);
    assertThatThrownBy(() -> store.read(LayoutRef.of(tmp.resolve("layout"), "v2")))
        .isInstanceOf(ImageNotFoundException.class).hasMessageContaining("v2");
  }

  @Test
  void mountCopiesBetweenLayouts() {
    TestImages.Built built = TestImages.build(tmp, "a", Platform.LINUX_AMD64);
    LayoutRef from = LayoutRef.of(tmp.resolve("from"), "v1");
    LayoutRef to = LayoutRef.of(tmp.resolve("to"), "v1");
    push(tmp.resolve("from"), "v1", built);

    assertThat(store.mountBlob(to, built.layer().digest(), from).outcome()).isEqualTo(BlobPush.Outcome.MOUNTED);
    assertThat(store.hasBlob(to, built.layer().digest())).isTrue();
    assertThat(store.mountBlob(to, built.layer().digest(), from).outcome()).isEqualTo(BlobPush.Outcome.EXISTED);
  }

  private Digest push(Path layout, String tag, TestImages.Built built) {
    LayoutRef ref = LayoutRef.of(layout, tag);
    store.pushBlob(ref, built.layer());
    return store.pushManifest(ref, built.manifest(), built.config());
  }
}
