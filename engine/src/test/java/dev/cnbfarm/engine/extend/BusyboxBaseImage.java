package dev.cnbfarm.engine.extend;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.sandbox.BusyboxImage;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.Manifest;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Test fixture: a two-layer busybox image in an OCI layout — busybox, then /etc/passwd and group
 * with {@code cnb} = 1000:1000 and its home — user {@code cnb}, labelled rebasable.
 */
final class BusyboxBaseImage {
  private BusyboxBaseImage() {}

  static LayoutRef write(Path shared) throws IOException {
    return write(shared, List.of("PATH=/bin"));
  }

  /** The same image with the config {@code Env} {@code env}. */
  static LayoutRef write(Path shared, List<String> env) throws IOException {
    LayoutRef baseRef;
    Path busybox = Files.createDirectories(shared.resolve("busybox"));
    BusyboxImage.writeBaseLayer(busybox);
    Path users = Files.createDirectories(shared.resolve("users/etc"));
    Files.writeString(users.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\ncnb:x:1000:1000::/home/cnb:/bin/sh\n");
    Files.createDirectories(shared.resolve("users/home/cnb"));
    Files.writeString(users.resolve("group"), "root:x:0:\ncnb:x:1000:\n");
    LayerBlob l1 = LayerWriter.of().writeTree(busybox, shared.resolve("l1.tar.gz"));
    LayerBlob l2 = LayerWriter.of().writeTree(shared.resolve("users"), shared.resolve("l2.tar.gz"));
    ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64)
        .withLayer(l1.diffId(), new ImageConfig.History("", "busybox", "", false))
        .withLayer(l2.diffId(), new ImageConfig.History("", "users", "", false))
        .withEnv(env).withUser("cnb").withLabels(Map.of("io.buildpacks.rebasable", "true"));
    baseRef = LayoutRef.of(shared.resolve("layout"), "run");
    OciLayoutImageStore store = new OciLayoutImageStore();
    store.pushBlob(baseRef, l1);
    store.pushBlob(baseRef, l2);
    byte[] json = config.toJson();
    store.pushManifest(baseRef, Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(json), json.length),
        List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, l1.digest(), l1.size()),
            Descriptor.of(MediaTypes.OCI_LAYER_GZIP, l2.digest(), l2.size()))), json);
      return baseRef;
  }
}
