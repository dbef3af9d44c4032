package dev.cnbfarm.image.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link ImageStore} over OCI image layout directories (image-spec image-layout.md): {@code
 * oci-layout}, {@code index.json} with tags as {@code org.opencontainers.image.ref.name}
 * annotations, and {@code blobs/sha256/<hex>}. Every file is written to a temp file and renamed,
 * and {@code index.json} updates hold a file lock, so readers never see partial content. Only
 * {@link LayoutRef}s are accepted. Thread-safe.
 */
public final class OciLayoutImageStore implements ImageStore {
  static final String REF_NAME = "org.opencontainers.image.ref.name";
  /** File locks are per JVM, not per thread: threads of this JVM queue here first. */
  private static final Object INDEX_LOCK = new Object();

  @Override
  public Image read(ImageRef ref, Platform platform) {
    LayoutRef layout = layout(ref);
    Descriptor top = layout.digest().map(d -> Descriptor.of(MediaTypes.OCI_MANIFEST, d, 0))
        .orElseGet(() -> findInIndex(layout));
    byte[] bytes = readBlob(layout, top.digest());
    Digest manifestDigest = top.digest();
    if (ManifestIndex.isIndex(bytes)) {
      manifestDigest = ManifestIndex.parse(bytes).select(platform, ref.toString()).digest();
      bytes = readBlob(layout, manifestDigest);
    }
    Manifest manifest = Manifest.parse(bytes);
    ImageConfig config = ImageConfig.parse(readBlob(layout, manifest.config().digest()));
    return new Image(ref, manifestDigest, manifest, config);
  }

  @Override
  public boolean hasBlob(ImageRef repository, Digest digest) {
    return Files.isRegularFile(blobPath(layout(repository), digest));
  }

  /** A local file: the bound only turns an oversized blob into a clear error. */
  @Override
  public void pullBlob(ImageRef repository, Descriptor blob, OutputStream out) {
    BoundedOutputStream bounded = new BoundedOutputStream(out, blob.size(),
        "blob " + blob.digest() + " in " + repository + " is larger than its descriptor's " + blob.size() + " bytes");
    try {
      pullBlob(repository, blob.digest(), bounded);
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof OversizedBodyException t) {
        throw new InvalidImageException(t.getMessage(), t);
      }
      throw e;
    }
  }

  @Override
  public void pullBlob(ImageRef repository, Digest digest, OutputStream out) {
    Path blob = blobPath(layout(repository), digest);
    MessageDigest sha = Digest.sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(blob), sha)) {
      in.transferTo(out);
    } catch (NoSuchFileException e) {
      throw new ImageNotFoundException("no blob " + digest + " in " + repository, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read blob " + blob, e);
    }
    if (!Digest.ofHash(sha.digest()).equals(digest)) {
      throw new InvalidImageException("blob " + blob + " does not match its digest");
    }
  }

  @Override
  public BlobPush pushBlob(ImageRef repository, LayerBlob blob) {
    return copyIn(layout(repository), blob.digest(), blob.size(), blob.file());
  }

  @Override
  public BlobPush pushBlob(ImageRef repository, byte[] content) {
    LayoutRef layout = layout(repository);
    Digest digest = Digest.of(content);
    Path target = blobPath(layout, digest);
    if (Files.isRegularFile(target)) {
      return new BlobPush(digest, content.length, BlobPush.Outcome.EXISTED);
    }
    io(() -> writeAtomically(target, content), "cannot write blob " + target);
    return new BlobPush(digest, content.length, BlobPush.Outcome.UPLOADED);
  }

  @Override
  public BlobPush mountBlob(ImageRef repository, Digest digest, ImageRef from) {
    Path source = blobPath(layout(from), digest);
    if (!Files.isRegularFile(source)) {
      throw new ImageNotFoundException("no blob " + digest + " in " + from);
    }
    long size = io(() -> Files.size(source), "cannot stat " + source);
    BlobPush push = copyIn(layout(repository), digest, size, source);
    return push.outcome() == BlobPush.Outcome.EXISTED ? push : new BlobPush(digest, size, BlobPush.Outcome.MOUNTED);
  }

  @Override
  public Digest pushManifest(ImageRef ref, Manifest manifest, byte[] config) {
    LayoutRef layout = layout(ref);
    if (!Digest.of(config).equals(manifest.config().digest())) {
      throw new IllegalArgumentException("config bytes do not match the manifest's config digest");
    }
    for (Descriptor layer : manifest.layers()) {
      if (!hasBlob(layout, layer.digest())) {
        throw new ImageNotFoundException("layer " + layer.digest() + " is not in " + layout.directory());
      }
    }
    pushBlob(layout, config);
    byte[] json = manifest.toJson();
    BlobPush pushed = pushBlob(layout, json);
    io(() -> {
      updateIndex(layout, Descriptor.of(manifest.mediaType(), pushed.digest(), json.length));
      return null;
    }, "cannot update " + layout.directory().resolve("index.json"));
    return pushed.digest();
  }

  private Descriptor findInIndex(LayoutRef layout) {
    JsonNode manifests = readIndex(layout).path("manifests");
    Optional<String> tag = layout.tag();
    if (tag.isEmpty()) {
      if (manifests.size() != 1) {
        throw new ImageNotFoundException(layout + " names no tag and the layout holds " + manifests.size() + " images");
      }
      return Descriptor.fromJson(manifests.get(0), layout.toString());
    }
    for (JsonNode m : manifests) {
      if (tag.get().equals(m.path("annotations").path(REF_NAME).asText())) {
        return Descriptor.fromJson(m, layout.toString());
      }
    }
    throw new ImageNotFoundException("no tag '" + tag.get() + "' in " + layout.directory());
  }

  private static ObjectNode readIndex(LayoutRef layout) {
    Path index = layout.directory().resolve("index.json");
    try {
      return Json.object(Files.readAllBytes(index), index.toString());
    } catch (NoSuchFileException e) {
      throw new ImageNotFoundException("no OCI layout at " + layout.directory(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + index, e);
    }
  }

  private static void updateIndex(LayoutRef layout, Descriptor manifest) throws IOException {
    synchronized (INDEX_LOCK) {
      updateIndexLocked(layout, manifest);
    }
  }

  private static void updateIndexLocked(LayoutRef layout, Descriptor manifest) throws IOException {
    Path dir = layout.directory();
    Files.createDirectories(dir);
    try (FileChannel lockFile = FileChannel.open(dir.resolve(".index.lock"), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
        FileLock lock = lockFile.lock()) {
      ObjectNode index = Files.exists(dir.resolve("index.json")) ? readIndex(layout) : newIndex();
      ArrayNode manifests = index.path("manifests").isArray() ? (ArrayNode) index.get("manifests") : index.putArray("manifests");
      Descriptor entry = manifest;
      if (layout.tag().isPresent()) {
        String tag = layout.tag().get();
        for (Iterator<JsonNode> it = manifests.elements(); it.hasNext(); ) {
          if (tag.equals(it.next().path("annotations").path(REF_NAME).asText())) {
            it.remove();
          }
        }
        entry = new Descriptor(manifest.mediaType(), manifest.digest(), manifest.size(), Map.of(REF_NAME, tag));
      }
      manifests.add(entry.toJson());
      Path layoutFile = dir.resolve("oci-layout");
      if (!Files.exists(layoutFile)) {
        writeAtomically(layoutFile, "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
      }
      writeAtomically(dir.resolve("index.json"), Json.bytes(index));
    }
  }

  private static ObjectNode newIndex() {
    ObjectNode index = Json.MAPPER.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.putArray("manifests");
    return index;
  }

  private BlobPush copyIn(LayoutRef layout, Digest digest, long size, Path source) {
    Path target = blobPath(layout, digest);
    if (Files.isRegularFile(target)) {
      return new BlobPush(digest, size, BlobPush.Outcome.EXISTED);
    }
    io(() -> {
      Files.createDirectories(target.getParent());
      Path temp = Files.createTempFile(target.getParent(), ".blob-", ".tmp");
      try {
        Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
      return null;
    }, "cannot copy " + source + " to " + target);
    return new BlobPush(digest, size, BlobPush.Outcome.UPLOADED);
  }

  private static byte[] readBlob(LayoutRef layout, Digest digest) {
    Path blob = blobPath(layout, digest);
    try {
      byte[] bytes = Files.readAllBytes(blob);
      if (!Digest.of(bytes).equals(digest)) {
        throw new InvalidImageException("blob " + blob + " does not match its digest");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new ImageNotFoundException("no blob " + digest + " in " + layout.directory(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + blob, e);
    }
  }

  private static Object writeAtomically(Path target, byte[] content) throws IOException {
    Files.createDirectories(target.getParent());
    Path temp = Files.createTempFile(target.getParent(), ".tmp-", ".json");
    try {
      Files.write(temp, content);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    return null;
  }

  static Path blobPath(LayoutRef layout, Digest digest) {
    return layout.directory().resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
  }

  private static LayoutRef layout(ImageRef ref) {
    if (ref instanceof LayoutRef layout) {
      return layout;
    }
    throw new IllegalArgumentException("not an OCI layout reference: " + ref);
  }

  private interface IoAction<T> {
    T run() throws IOException;
  }

  private static <T> T io(IoAction<T> action, String message) {
    try {
      return action.run();
    } catch (IOException e) {
      throw new UncheckedIOException(message, e);
    }
  }
}
