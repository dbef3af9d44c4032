package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.sandbox.BusyboxImage;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageAssembly;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.Platform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test fixture: a two-layer busybox image in a temp OCI layout — layer 1 is {@link BusyboxImage}'s
 * base tree, layer 2 adds {@code /etc/passwd} (root and {@code cnb} = 1000:1000 with home {@code
 * /home/cnb}), {@code /etc/group} and the home dir. The config has {@code PATH=/bin} and {@code
 * GREETING=a=b=c} (a value holding '='), and one history entry per layer plus a metadata-only one.
 */
final class BaseImageFixture {
  static final String PASSWD = "root:x:0:0:root:/root:/bin/sh\ncnb:x:1000:1000:CNB user:/home/cnb:/bin/sh\n";

  final OciLayoutImageStore store = new OciLayoutImageStore();
  final LayoutRef ref;
  final List<LayerBlob> blobs = new ArrayList<>();
  final Image image;

  BaseImageFixture(Path dir) {
    try {
      Path busybox = Files.createDirectories(dir.resolve("tree-busybox"));
      BusyboxImage.writeBaseLayer(busybox);
      Path users = Files.createDirectories(dir.resolve("tree-users"));
      Files.createDirectories(users.resolve("etc"));
      Files.writeString(users.resolve("etc/passwd"), PASSWD);
      Files.writeString(users.resolve("etc/group"), "root:x:0:\ncnb:x:1000:\n");
      Path home = Files.createDirectories(users.resolve("home/cnb"));
      Files.setAttribute(home, "unix:uid", 1000, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(home, "unix:gid", 1000, LinkOption.NOFOLLOW_LINKS);
      blobs.add(LayerWriter.of().writeTree(busybox, dir.resolve("busybox.tar.gz")));
      blobs.add(LayerWriter.of().writeTree(users, dir.resolve("users.tar.gz")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ref = LayoutRef.of(dir.resolve("layout"), "base");
    ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64)
        .withLayer(blobs.get(0).diffId(), new ImageConfig.History("2024-01-01T00:00:00Z", "busybox", "", false))
        .withHistory(new ImageConfig.History("2024-01-01T00:00:00Z", "ENV PATH=/bin", "", true))
        .withLayer(blobs.get(1).diffId(), new ImageConfig.History("2024-01-01T00:00:00Z", "users", "", false))
        .withEnv(List.of("PATH=/bin", "GREETING=a=b=c"))
        .withUser("1000:1000");
    List<Descriptor> layers = new ArrayList<>();
    for (LayerBlob blob : blobs) {
      store.pushBlob(ref, blob);
      layers.add(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob.digest(), blob.size()));
    }
    ImageAssembly.of(config, layers).pushTo(store, ref);
    image = store.read(ref);
  }
}
