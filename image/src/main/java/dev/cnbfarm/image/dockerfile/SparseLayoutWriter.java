package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.layer.NormalisedTime;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageAssembly;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.Manifest;
import dev.cnbfarm.image.store.MediaTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes the result of {@code extend -kind run} the way the exporter expects it (extensions.md
 * §6.5, §11.11; lifecycle-reference.md §1.4 (e) {@code saveSparse}): {@code
 * <extended>/run/<manifest digest>/} is an OCI image layout whose manifest lists the base image's
 * layer descriptors followed by the extension layers, and whose {@code blobs/} holds the manifest,
 * the config and <em>only</em> the extension layers. New layers are told apart by position (every
 * layer after the base's layer count), never by digest, so a new layer whose digest equals a base
 * layer's is still written (lifecycle #1306). The config's created time is the epoch and its
 * history has one entry per layer. Stateless and thread-safe; concurrent writes to one {@code
 * <extended>} dir are not supported.
 */
public final class SparseLayoutWriter {
  /** The creation time written for reproducibility: {@link NormalisedTime#EXTENSION_CREATED}. */
  public static final String EPOCH = NormalisedTime.EXTENSION_CREATED;

  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Writes {@code extended}, whose first layers must be exactly those of {@code base} (compared by
   * diffID and index) and whose other layers have blobs.
   *
   * @param extensionIds the extension that made each new layer, one per new layer, in order
   */
  public SparseLayout write(Path extendedDir, Image base, ImageState extended, List<String> extensionIds) {
    List<StateLayer> added = newLayers(base, extended);
    if (added.size() != extensionIds.size()) {
      throw new IllegalArgumentException(added.size() + " new layers but " + extensionIds.size() + " extension ids");
    }
    List<ExtensionLayer> layers = new ArrayList<>();
    for (int i = 0; i < added.size(); i++) {
      layers.add(new ExtensionLayer(extensionIds.get(i), added.get(i)));
    }
    return write(extendedDir, base, extended.config(), layers);
  }

  /** The layers of {@code extended} above the {@code base} image's, by position. */
  public static List<StateLayer> newLayers(Image base, ImageState extended) {
    List<Digest> baseIds = base.config().diffIds();
    List<StateLayer> layers = extended.layers();
    if (layers.size() < baseIds.size()) {
      throw new IllegalArgumentException("extended image has " + layers.size() + " layers, fewer than its base's "
          + baseIds.size());
    }
    for (int i = 0; i < baseIds.size(); i++) {
      if (!layers.get(i).diffId().equals(baseIds.get(i))) {
        throw new IllegalArgumentException("layer " + i + " of the extended image is " + layers.get(i).diffId()
            + ", not the base's " + baseIds.get(i));
      }
    }
    return layers.subList(baseIds.size(), layers.size());
  }

  /**
   * Writes the base image plus {@code newLayers} with {@code config}'s settings (env, user,
   * labels...); its {@code rootfs}, {@code history} and {@code created} are rewritten here. Any
   * previous image directory under {@code <extended>/run} is removed, so exactly one remains.
   */
  public SparseLayout write(Path extendedDir, Image base, ImageConfig config, List<ExtensionLayer> newLayers) {
    ImageConfig finalConfig = finalConfig(base, config, newLayers);
    List<Descriptor> descriptors = new ArrayList<>(base.manifest().layers());
    for (ExtensionLayer layer : newLayers) {
      LayerBlob blob = layer.layer().blob().orElseThrow();
      descriptors.add(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob.digest(), blob.size()));
    }
    ImageAssembly assembly = ImageAssembly.of(finalConfig, descriptors);
    Manifest manifest = assembly.manifest();
    byte[] manifestJson = assembly.manifestJson();
    byte[] configJson = assembly.configJson();
    Digest manifestDigest = assembly.digest();
    Path staging = extendedDir.resolve(".run-staging-" + UUID.randomUUID());
    try {
      Files.createDirectories(staging);
      SparseLayout layout = new SparseLayout(staging, manifestDigest, manifest, finalConfig);
      writeLayout(layout, manifestJson, configJson, newLayers);
      Path runDir = Files.createDirectories(extendedDir.resolve("run"));
      clear(runDir);
      Path target = runDir.resolve(manifestDigest.value());
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      return new SparseLayout(target, manifestDigest, manifest, finalConfig);
    } catch (IOException e) {
      UncheckedIOException failure = new UncheckedIOException("cannot write extended run image under " + extendedDir, e);
      try {
        FileTrees.deleteRecursively(staging);
      } catch (IOException cleanup) {
        failure.addSuppressed(cleanup);
      }
      throw failure;
    }
  }

  private static ImageConfig finalConfig(Image base, ImageConfig config, List<ExtensionLayer> newLayers) {
    ObjectNode root = (ObjectNode) tree(config.toJson());
    root.put("created", EPOCH);
    ObjectNode rootfs = root.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    base.config().diffIds().forEach(d -> diffIds.add(d.value()));
    newLayers.forEach(l -> diffIds.add(l.layer().diffId().value()));
    ArrayNode history = root.putArray("history");
    baseHistory(base).forEach(history::add);
    for (ExtensionLayer layer : newLayers) {
      ObjectNode entry = history.addObject();
      entry.put("created", EPOCH);
      entry.put("created_by", historyText(layer));
    }
    return ImageConfig.parse(bytes(root));
  }

  /** The base's history normalised to one entry per layer (metadata-only entries dropped). */
  private static List<JsonNode> baseHistory(Image base) {
    int layers = base.config().diffIds().size();
    List<JsonNode> entries = new ArrayList<>();
    for (JsonNode entry : tree(base.config().toJson()).path("history")) {
      if (!entry.path("empty_layer").asBoolean(false) && entries.size() < layers) {
        entries.add(entry);
      }
    }
    while (entries.size() < layers) {
      entries.add(JSON.createObjectNode().put("created", EPOCH));
    }
    return entries;
  }

  static String historyText(ExtensionLayer layer) {
    String createdBy = layer.layer().createdBy();
    if (createdBy.startsWith("Layer: '") && createdBy.contains("', Created by extension: ")) {
      return createdBy;
    }
    return "Layer: '" + createdBy + "', Created by extension: " + layer.extensionId();
  }

  private static void writeLayout(SparseLayout layout, byte[] manifestJson, byte[] configJson,
      List<ExtensionLayer> newLayers) throws IOException {
    Files.writeString(layout.dir().resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}", StandardCharsets.UTF_8);
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.putArray("manifests").addObject()
        .put("mediaType", layout.manifest().mediaType())
        .put("digest", layout.manifestDigest().value())
        .put("size", manifestJson.length);
    Files.write(layout.dir().resolve("index.json"), bytes(index));
    Files.createDirectories(layout.blobPath(layout.manifestDigest()).getParent());
    Files.write(layout.blobPath(layout.manifestDigest()), manifestJson);
    Files.write(layout.blobPath(layout.manifest().config().digest()), configJson);
    for (ExtensionLayer layer : newLayers) {
      LayerBlob blob = layer.layer().blob().orElseThrow();
      BlobLinks.linkOrCopy(blob.file(), layout.blobPath(blob.digest()));
    }
  }

  private static void clear(Path runDir) throws IOException {
    List<Path> old = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(runDir)) {
      entries.forEach(old::add);
    }
    for (Path entry : old) {
      FileTrees.deleteRecursively(entry);
    }
  }

  static JsonNode tree(byte[] json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
