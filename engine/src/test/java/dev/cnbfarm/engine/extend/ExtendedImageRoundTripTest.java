package dev.cnbfarm.engine.extend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.dockerfile.ImageLoader;
import dev.cnbfarm.image.dockerfile.ImageState;
import dev.cnbfarm.image.dockerfile.SparseLayout;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.rootfs.RootfsCache;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.RegistryImageStore;
import dev.cnbfarm.image.store.RegistrySettings;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.LocalRegistry;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.engine.testing.TestInputs;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file deleted by a RUN (whiteout) and a directory replaced (opaque) survive the trip from a base
 * in a real registry, through extension, to a published image in a registry and in an OCI layout,
 * read back into a fresh rootfs cache.
 */
class ExtendedImageRoundTripTest {
  @TempDir static Path dir;
  static LocalRegistry registry;
  static ImageStore store;
  static ImageRef baseRef;

  @BeforeAll
  static void baseInRegistry() throws IOException {
    registry = LocalRegistry.start();
    store = new RoutingImageStore(new OciLayoutImageStore(), RegistryImageStore.of(RegistrySettings.defaults()));
    LayoutRef layout = BusyboxBaseImage.write(dir);
    baseRef = ImageRef.parse(registry.host() + "/test/run:base");
    copy(store.read(layout), layout, baseRef);
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @Test
  void whiteoutsAndOpaqueDirsRoundTripThroughRegistryAndLayout() throws IOException {
    Path layers = Files.createDirectories(dir.resolve("layers"));
    Files.writeString(layers.resolve("analyzed.toml"), "[run-image]\nreference = \"" + baseRef + "\"\nextend = true\n");
    Files.writeString(layers.resolve("group.toml"),
        "[[group]]\nid = \"bp/a\"\nversion = \"1\"\napi = \"0.10\"\n[[group-extensions]]\nid = \"ext/a\"\nversion = \"1\"\napi = \"0.11\"\n");
    Path gen = Files.createDirectories(layers.resolve("generated/ext_a"));
    Files.writeString(gen.resolve("run.Dockerfile"), """
        ARG base_image
        FROM ${base_image}
        USER root
        RUN rm /etc/motd && rm -rf /data && mkdir /data && echo new > /data/n
        USER cnb
        """);
    ExtenderPhase.Outcome o = TestInputs.of(Map.of("kind", "run", "layers", layers.toString(),
        "app", dir.toString()), Map.of(), ApiVersion.of(0, 13)).runExtender(store, new ExtendWorkspace(dir.resolve("ws")),
        Reporter.NONE, Duration.ofMinutes(2));
    SparseLayout sparse = o.layout().orElseThrow();

    ImageRef inRegistry = ImageRef.parse(registry.host() + "/test/app:extended");
    ImageRef inLayout = LayoutRef.of(dir.resolve("out-layout"), "extended");
    for (ImageRef target : List.of(inRegistry, inLayout)) {
      publish(sparse, o.base(), target);
      Image read = store.read(target);
      assertThat(read.manifest().layers()).hasSize(3);
      ImageState loaded = new ImageLoader(store, RootfsCache.open(dir.resolve("fresh-" + target.hashCode())),
          dir.resolve("dl")).load(read);
      assertThat(loaded.stack().readText("/etc/motd")).as("deleted file in %s", target).isEmpty();
      assertThat(loaded.stack().readText("/etc/hostname")).contains("base\n");
      assertThat(loaded.stack().readText("/data/n")).as("new file in %s", target).contains("new\n");
      assertThat(loaded.stack().readText("/data/a")).as("file of the replaced dir in %s", target).isEmpty();
    }
  }

  /** Pushes the extended image: the new layers from the sparse layout, the base's from the base image. */
  private static void publish(SparseLayout sparse, Image base, ImageRef target) throws IOException {
    List<Digest> diffIds = sparse.config().diffIds();
    List<Descriptor> layers = sparse.manifest().layers();
    for (int i = 0; i < layers.size(); i++) {
      Descriptor d = layers.get(i);
      var blob = sparse.blob(d.digest());
      if (blob.isPresent()) {
        store.pushBlob(target, new LayerBlob(blob.get(), d.digest(), diffIds.get(i), d.size()));
      } else if (!store.hasBlob(target, d.digest())) {
        copyBlob(base.ref(), d, diffIds.get(i), target);
      }
    }
    store.pushManifest(target, sparse.manifest(), Files.readAllBytes(sparse.blobPath(sparse.manifest().config().digest())));
  }

  private static void copy(Image image, ImageRef from, ImageRef to) throws IOException {
    for (int i = 0; i < image.manifest().layers().size(); i++) {
      copyBlob(from, image.manifest().layers().get(i), image.config().diffIds().get(i), to);
    }
    byte[] config = image.config().toJson();
    store.pushManifest(to, image.manifest().withConfig(
        Descriptor.of(image.manifest().config().mediaType(), Digest.of(config), config.length)), config);
  }

  private static void copyBlob(ImageRef from, Descriptor d, Digest diffId, ImageRef to) throws IOException {
    Path tmp = Files.createTempFile(dir, "blob", ".tar.gz");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      store.pullBlob(from, d.digest(), out);
    }
    store.pushBlob(to, new LayerBlob(tmp, d.digest(), diffId, d.size()));
    Files.delete(tmp);
  }
}
