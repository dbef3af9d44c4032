package dev.cnbfarm.bench;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.Manifest;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.Platform;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The benchmark's Debian base, cached under {@code <cache>/debian}: a {@code debootstrap
 * --variant=minbase bookworm} rootfs (reused once its completion marker exists), an OCI layout of
 * one layer written by our {@link LayerWriter} (config: PATH, user root), and a push of that image
 * to a registry. Not thread-safe.
 */
final class DebianBase {
  static final String SUITE = "bookworm";
  static final String MIRROR = "http://deb.debian.org/debian";
  private static final String PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final Path dir;
  private final PrintStream out;

  DebianBase(Path cacheDir, PrintStream out) {
    this.dir = cacheDir.resolve("debian");
    this.out = out;
  }

  /** The rootfs, debootstrapped on first use. */
  Path rootfs() {
    Path rootfs = dir.resolve("rootfs");
    Path marker = dir.resolve("rootfs.complete");
    if (Files.exists(marker)) {
      return rootfs;
    }
    delete(rootfs);
    out.printf("debootstrap --variant=minbase %s %s %s (once; about 30 s)...%n", SUITE, rootfs, MIRROR);
    long start = System.nanoTime();
    HostCommand.run(List.of("debootstrap", "--variant=minbase", SUITE, rootfs.toString(), MIRROR),
        dir.resolve("debootstrap.log"));
    touch(marker);
    out.printf("  debootstrap done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    return rootfs;
  }

  /** The OCI layout image {@code <cache>/debian/oci:bookworm}, written on first use. */
  LayoutRef layoutImage() {
    LayoutRef ref = LayoutRef.of(dir.resolve("oci"), SUITE);
    Path marker = dir.resolve("oci.complete");
    if (Files.exists(marker)) {
      return ref;
    }
    Path rootfs = rootfs();
    delete(dir.resolve("oci"));
    out.println("writing the base image layer with LayerWriter (once)...");
    long start = System.nanoTime();
    // /dev's nodes are the host's business (the sandbox mounts its own), as in any base image
    LayerBlob layer = LayerWriter.of().ignoring(p -> p.startsWith("/dev/"))
        .writeTree(rootfs, dir.resolve("layer.tar.gz"));
    ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64)
        .withLayer(layer.diffId(), new ImageConfig.History("", "debootstrap --variant=minbase " + SUITE, "", false))
        .withEnv(List.of(PATH_ENV)).withUser("root");
    byte[] json = config.toJson();
    OciLayoutImageStore store = new OciLayoutImageStore();
    store.pushBlob(ref, layer);
    store.pushManifest(ref, Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(json), json.length),
        List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer.digest(), layer.size()))), json);
    delete(dir.resolve("layer.tar.gz"));
    touch(marker);
    out.printf("  base layer: %.1f MB gzip, written in %.1f s%n", layer.size() / 1e6, (System.nanoTime() - start) / 1e9);
    return ref;
  }

  /** Copies the layout image to {@code target} (blobs the registry already has are not sent). */
  Image pushTo(ImageStore registry, ImageRef target) {
    LayoutRef source = layoutImage();
    Image image = new OciLayoutImageStore().read(source);
    for (Descriptor d : image.manifest().layers()) {
      Digest diffId = image.config().diffIds().get(image.manifest().layers().indexOf(d));
      registry.pushBlob(target, new LayerBlob(blobFile(source, d.digest()), d.digest(), diffId, d.size()));
    }
    byte[] config = read(blobFile(source, image.manifest().config().digest()));
    registry.pushManifest(target, image.manifest(), config);
    return registry.read(target);
  }

  /** image-layout.md: {@code blobs/<alg>/<hex>}. */
  private static Path blobFile(LayoutRef layout, Digest digest) {
    return layout.directory().resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void touch(Path marker) {
    try {
      Files.writeString(marker, "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path path) {
    try {
      FileTrees.deleteRecursively(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }
}
