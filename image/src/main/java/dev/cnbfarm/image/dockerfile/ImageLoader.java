package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.layer.InvalidLayerEntryException;
import dev.cnbfarm.image.layer.LayerReader;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.rootfs.DiffId;
import dev.cnbfarm.image.rootfs.Downloads;
import dev.cnbfarm.image.rootfs.RootfsCache;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.InvalidImageException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Turns an {@link Image} of the store into an {@link ImageState}: each layer unpacked once, in
 * overlay form, into the {@link RootfsCache} (design.md §5 "Rootfs cache"), keyed by the config's
 * diffID. On a cache miss the blob is pulled to a temp file under the download dir, unpacked, and
 * the sha256 of its uncompressed tar is checked against the config's diffID, so a layer whose
 * content does not match its image never enters the cache. A hit pulls and unpacks nothing.
 * Thread-safe (the cache serialises unpacks of one diffID).
 */
public final class ImageLoader {
  private final ImageStore store;
  private final RootfsCache cache;
  private final Path downloadDir;

  /**
   * Sweeps the download dir's blobs of dead processes: a download is locked (an exclusive file lock
   * on its temp file) while it is pulled and unpacked, so only unlocked leftovers are deleted.
   */
  public ImageLoader(ImageStore store, RootfsCache cache, Path downloadDir) {
    this.store = store;
    this.cache = cache;
    this.downloadDir = downloadDir;
    Downloads.sweep(downloadDir);
  }

  /**
   * Loads {@code image}'s layers, bottom first.
   *
   * @throws InvalidImageException if the manifest and config disagree on the layer count, or a
   *     layer's content does not match its diffID
   */
  public ImageState load(Image image) {
    List<Descriptor> descriptors = image.manifest().layers();
    List<Digest> diffIds = image.config().diffIds();
    if (descriptors.size() != diffIds.size()) {
      throw new InvalidImageException("image " + image.ref() + " has " + descriptors.size()
          + " layers in its manifest but " + diffIds.size() + " diff_ids in its config");
    }
    List<StateLayer> layers = new ArrayList<>(descriptors.size());
    for (int i = 0; i < descriptors.size(); i++) {
      Descriptor descriptor = descriptors.get(i);
      Digest diffId = diffIds.get(i);
      Path dir = cache.layerDir(new DiffId(diffId.hex()), dest -> unpack(image, descriptor, diffId, dest));
      layers.add(StateLayer.base(diffId, dir));
    }
    return new ImageState(image.config(), layers);
  }

  private void unpack(Image image, Descriptor layer, Digest diffId, Path dest) throws IOException {
    Files.createDirectories(downloadDir);
    Path blob = Files.createTempFile(downloadDir, "layer-" + layer.digest().hex().substring(0, 12), ".blob");
    // Written and read through one locked channel: a sweep in another process skips it, and even
    // one that deleted it before the lock was taken could not change what is read back.
    try (FileChannel channel = FileChannel.open(blob, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock held = channel.lock()) {
      OutputStream out = Channels.newOutputStream(channel);
      store.pullBlob(image.ref(), layer, new FilterOutputStream(out) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
        }

        @Override
        public void close() {
          // the channel stays open for the read below
        }
      });
      channel.position(0);
      Digest actual;
      try {
        actual = unpackHashing(new FilterInputStream(Channels.newInputStream(channel)) {
          @Override
          public void close() {
            // the lock is released with the channel, below
          }
        }, dest);
      } catch (InvalidLayerEntryException e) {
        throw new InvalidImageException("cannot unpack layer " + diffId + ": " + e.getMessage(), e);
      }
      if (!actual.equals(diffId)) {
        throw new InvalidImageException("layer " + layer.digest() + " of " + image.ref()
            + " unpacks to diffID " + actual + " but the image config says " + diffId);
      }
    } finally {
      Files.deleteIfExists(blob);
    }
  }

  /** Unpacks a gzip or plain tar blob, returning the sha256 of the whole uncompressed stream. */
  private static Digest unpackHashing(InputStream blob, Path dest) throws IOException {
    MessageDigest sha = Digest.sha256();
    try (InputStream raw = new BufferedInputStream(blob, 1 << 16)) {
      raw.mark(2);
      boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
      raw.reset();
      InputStream tar = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
      DigestInputStream hashing = new DigestInputStream(tar, sha);
      LayerReader.of(LayerReader.WhiteoutMode.OVERLAY).unpack(hashing, dest);
      // The tar reader stops at the end-of-archive marker; the diffID covers the padding after it.
      hashing.transferTo(OutputStream.nullOutputStream());
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return Digest.ofHash(sha.digest());
  }
}
