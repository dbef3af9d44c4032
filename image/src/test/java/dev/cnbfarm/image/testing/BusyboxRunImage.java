package dev.cnbfarm.image.testing;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.sandbox.BusyboxImage;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageAssembly;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Test fixture: a two-layer busybox run image — busybox, then {@code /etc/passwd} and group with
 * {@code cnb} = 1000:1000 — user {@code cnb}, {@code Cmd ["sh"]}, labelled with {@code
 * io.buildpacks.rebasable} as asked, written to an OCI layout and optionally copied to a registry.
 */
public final class BusyboxRunImage {
  private BusyboxRunImage() {}

  /** Writes the image to {@code oci:<dir>/layout:run}. */
  public static LayoutRef write(Path dir, String rebasable) throws IOException {
    return write(dir, rebasable, false);
  }

  /**
   * Writes the image to {@code oci:<dir>/layout:run}; with {@code repeatEmptyLayer} its manifest
   * lists one empty layer blob twice, above busybox and on top (busybox, empty, users, empty), as
   * Docker-built images often do.
   */
  public static LayoutRef write(Path dir, String rebasable, boolean repeatEmptyLayer) throws IOException {
    Path busybox = Files.createDirectories(dir.resolve("busybox"));
    BusyboxImage.writeBaseLayer(busybox);
    Path users = Files.createDirectories(dir.resolve("users/etc"));
    Files.writeString(users.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\ncnb:x:1000:1000::/home/cnb:/bin/sh\n");
    Files.writeString(users.resolve("group"), "root:x:0:\ncnb:x:1000:\n");
    List<LayerBlob> layers = new ArrayList<>();
    List<String> createdBy = new ArrayList<>();
    layers.add(LayerWriter.of().writeTree(busybox, dir.resolve("l1.tar.gz")));
    createdBy.add("busybox");
    LayerBlob empty = repeatEmptyLayer
        ? LayerWriter.of().writeTree(Files.createDirectories(dir.resolve("empty")), dir.resolve("empty.tar.gz"))
        : null;
    if (empty != null) {
      layers.add(empty);
      createdBy.add("empty");
    }
    layers.add(LayerWriter.of().writeTree(dir.resolve("users"), dir.resolve("l2.tar.gz")));
    createdBy.add("users");
    if (empty != null) {
      layers.add(empty);
      createdBy.add("empty again");
    }
    ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64);
    for (int i = 0; i < layers.size(); i++) {
      config = config.withLayer(layers.get(i).diffId(), new ImageConfig.History("", createdBy.get(i), "", false));
    }
    config = config.withEnv(List.of("PATH=/bin", "HOME=/home/cnb")).withUser("cnb").withCmd(List.of("sh"))
        .withLabels(Map.of("io.buildpacks.rebasable", rebasable, "org.example.base", "busybox"));
    LayoutRef ref = LayoutRef.of(dir.resolve("layout"), "run");
    OciLayoutImageStore store = new OciLayoutImageStore();
    List<Descriptor> descriptors = new ArrayList<>();
    for (LayerBlob blob : layers) {
      store.pushBlob(ref, blob);
      descriptors.add(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob.digest(), blob.size()));
    }
    ImageAssembly.of(config, descriptors).pushTo(store, ref);
    return ref;
  }

  /** Copies image {@code from} to {@code to} blob by blob ({@code tmp} is unused) and returns it as read back. */
  public static Image copy(ImageStore store, ImageRef from, ImageRef to, Path tmp) throws IOException {
    Image image = store.read(from);
    for (Descriptor d : image.manifest().layers()) {
      store.copyBlob(to, d, from);
    }
    store.pushManifest(to, image.manifest(), image.config().toJson());
    return store.read(to);
  }
}
