package dev.cnbfarm.image.dockerfile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.InvalidImageException;
import dev.cnbfarm.image.store.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the extended run image the run-kind extend left in {@code <extended>/run} (extensions.md
 * §6.5): there must be exactly one image directory, named after its manifest digest, whose {@code
 * index.json} lists exactly one manifest; the manifest and config blobs must be present and match
 * their digests. Layer blobs may be absent (base layers). Stateless and thread-safe.
 */
public final class SparseLayoutReader {

  /**
   * Reads {@code <extendedDir>/run}.
   *
   * @throws InvalidImageException naming the directory when the layout is missing, holds no or
   *     several images, or is inconsistent
   */
  public SparseLayout read(Path extendedDir) {
    Path runDir = extendedDir.resolve("run");
    if (!Files.isDirectory(runDir)) {
      throw new InvalidImageException("missing extended run image: " + runDir + " does not exist");
    }
    List<Path> images = list(runDir);
    if (images.size() != 1) {
      throw new InvalidImageException("expected exactly one extended run image in " + runDir + ", found "
          + images.size() + (images.isEmpty() ? "" : ": " + images.stream().map(p -> p.getFileName().toString()).toList()));
    }
    Path dir = images.get(0);
    JsonNode manifests = index(dir.resolve("index.json")).path("manifests");
    if (!manifests.isArray() || manifests.size() != 1) {
      throw new InvalidImageException(dir.resolve("index.json") + " must list exactly one manifest, not "
          + manifests.size());
    }
    Digest manifestDigest = digest(manifests.get(0).path("digest").asText(), dir);
    if (!dir.getFileName().toString().equals(manifestDigest.value())) {
      throw new InvalidImageException("extended run image dir " + dir + " is not named after its manifest "
          + manifestDigest);
    }
    Manifest manifest = Manifest.parse(verifiedBlob(dir, manifestDigest));
    ImageConfig config = ImageConfig.parse(verifiedBlob(dir, manifest.config().digest()));
    if (config.diffIds().size() != manifest.layers().size()) {
      throw new InvalidImageException("extended run image " + dir + " has " + manifest.layers().size()
          + " layers but " + config.diffIds().size() + " diff_ids");
    }
    return new SparseLayout(dir, manifestDigest, manifest, config);
  }

  private static List<Path> list(Path runDir) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(runDir)) {
      entries.forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + runDir, e);
    }
    return out;
  }

  private static byte[] verifiedBlob(Path dir, Digest digest) {
    Path blob = dir.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
    byte[] bytes = readFile(blob);
    if (!Digest.of(bytes).equals(digest)) {
      throw new InvalidImageException("blob " + blob + " does not match its digest");
    }
    return bytes;
  }

  private static JsonNode index(Path file) {
    try {
      return SparseLayoutWriter.JSON.readTree(readFile(file));
    } catch (IOException e) {
      throw new InvalidImageException(file + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static Digest digest(String text, Path dir) {
    try {
      return Digest.parse(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidImageException("bad manifest digest '" + text + "' in " + dir.resolve("index.json"), e);
    }
  }

  private static byte[] readFile(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidImageException("extended run image is missing " + file, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
