package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.store.CountingImageStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.rootfs.RootfsCache;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.InvalidImageException;
import dev.cnbfarm.image.store.Manifest;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLoaderTest {
  @TempDir static Path dir;
  static BaseImageFixture base;

  @BeforeAll
  static void buildBase() {
    base = new BaseImageFixture(dir.resolve("base"));
  }

  @Test
  void loadsEveryLayerIntoTheCacheKeyedByDiffId(@TempDir Path tmp) {
    ImageLoader loader = new ImageLoader(base.store, RootfsCache.open(tmp.resolve("cache")), tmp.resolve("dl"));

    ImageState state = loader.load(base.image);

    assertThat(state.config()).isEqualTo(base.image.config());
    assertThat(state.layers()).extracting(StateLayer::diffId)
        .containsExactly(base.blobs.get(0).diffId(), base.blobs.get(1).diffId());
    assertThat(state.layers()).noneMatch(StateLayer::isNew);
    assertThat(state.layers().get(0).dir()).isEqualTo(tmp.resolve("cache/layers").resolve(base.blobs.get(0).diffId().hex()));
    assertThat(state.layers().get(0).dir().resolve("bin/busybox")).isRegularFile();
    assertThat(state.stack().readText("/etc/passwd")).contains(BaseImageFixture.PASSWD);
    assertThat(tmp.resolve("dl")).isEmptyDirectory();
  }

  @Test
  void secondLoadOfTheSameImageUnpacksNothing(@TempDir Path tmp) {
    CountingImageStore counting = new CountingImageStore(base.store);
    RootfsCache cache = RootfsCache.open(tmp.resolve("cache"));
    ImageState first = new ImageLoader(counting, cache, tmp.resolve("dl")).load(base.image);
    assertThat(counting.pulled().size()).isEqualTo(2);

    ImageState second = new ImageLoader(counting, cache, tmp.resolve("dl")).load(base.image);

    assertThat(counting.pulled().size()).isEqualTo(2);
    assertThat(second).isEqualTo(first);
  }

  @Test
  void rejectsALayerWhoseContentDoesNotMatchTheConfigDiffId(@TempDir Path tmp) throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(tree.resolve("f"), "x");
    LayerBlob blob = LayerWriter.of().writeTree(tree, tmp.resolve("l.tar.gz"));
    Digest wrong = Digest.of("not the tar".getBytes());
    byte[] config = ImageConfig.empty(Platform.LINUX_AMD64)
        .withLayer(wrong, new ImageConfig.History("", "x", "", false)).toJson();
    ImageRef ref = dev.cnbfarm.image.ref.LayoutRef.of(tmp.resolve("layout"), "bad");
    base.store.pushBlob(ref, blob);
    base.store.pushManifest(ref, Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(config), config.length),
        List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob.digest(), blob.size()))), config);
    Image bad = base.store.read(ref);
    RootfsCache cache = RootfsCache.open(tmp.resolve("cache"));

    assertThatThrownBy(() -> new ImageLoader(base.store, cache, tmp.resolve("dl")).load(bad))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining(blob.digest().value())
        .hasMessageContaining("unpacks to diffID " + blob.diffId())
        .hasMessageContaining("config says " + wrong);
    assertThat(tmp.resolve("cache/layers")).isEmptyDirectory();
  }

  @Test
  void namesTheLayerTheEntryAndTheCauseWhenALayerIsRefused(@TempDir Path tmp) throws Exception {
    Path tree = Files.createDirectories(tmp.resolve("tree/usr"));
    assertThat(new ProcessBuilder("mknod", "-m", "0666", tree.resolve("hwrng").toString(), "c", "10", "183")
        .inheritIO().start().waitFor()).isZero();
    LayerBlob blob = LayerWriter.of().writeTree(tmp.resolve("tree"), tmp.resolve("l.tar.gz"));
    byte[] config = ImageConfig.empty(Platform.LINUX_AMD64)
        .withLayer(blob.diffId(), new ImageConfig.History("", "x", "", false)).toJson();
    ImageRef ref = dev.cnbfarm.image.ref.LayoutRef.of(tmp.resolve("layout"), "dev");
    base.store.pushBlob(ref, blob);
    base.store.pushManifest(ref, Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(config), config.length),
        List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob.digest(), blob.size()))), config);
    Image hostile = base.store.read(ref);
    RootfsCache cache = RootfsCache.open(tmp.resolve("cache"));

    assertThatThrownBy(() -> new ImageLoader(base.store, cache, tmp.resolve("dl")).load(hostile))
        .isInstanceOf(InvalidImageException.class)
        .hasMessage("cannot unpack layer " + blob.diffId() + ": 'usr/hwrng': character device 10:183"
            + " (device nodes are not allowed in layers)");
    assertThat(tmp.resolve("cache/layers")).isEmptyDirectory();
  }

  @Test
  void aDeadProcesssLeftOverDownloadIsSweptAndALiveOneKept(@TempDir Path tmp) throws IOException {
    Path dl = Files.createDirectories(tmp.resolve("dl"));
    Path stale = Files.writeString(dl.resolve("layer-0123456789ab1.blob"), "half a blob");
    Path live = Files.writeString(dl.resolve("layer-0123456789ab2.blob"), "being pulled");
    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(live,
        java.nio.file.StandardOpenOption.WRITE); java.nio.channels.FileLock held = channel.lock()) {

      new ImageLoader(base.store, RootfsCache.open(tmp.resolve("cache")), dl);

      assertThat(stale).doesNotExist();
      assertThat(live).exists();
    }
  }
}
