package dev.cnbfarm.image.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.InvalidImageException;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.testing.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparseLayoutWriterTest {
  @TempDir static Path dir;
  static BaseImageFixture base;
  static ImageState baseState;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void buildBase() {
    base = new BaseImageFixture(dir.resolve("base"));
    List<StateLayer> layers = new ArrayList<>();
    for (LayerBlob blob : base.blobs) {
      layers.add(StateLayer.base(blob.diffId(), dir)); // dirs are not read by the writer
    }
    baseState = new ImageState(base.image.config(), layers);
  }

  private static StateLayer newLayer(Path tmp, String name, String createdBy) throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("tree-" + name));
    Files.writeString(tree.resolve(name), name);
    LayerBlob blob = LayerWriter.of().writeTree(tree, tmp.resolve(name + ".tar.gz"));
    return new StateLayer(blob.diffId(), tree, Optional.of(blob), createdBy);
  }

  @Test
  void writesManifestConfigAndOnlyTheNewLayerBlobs(@TempDir Path tmp) throws IOException {
    StateLayer one = newLayer(tmp, "one", "RUN echo one");
    StateLayer two = newLayer(tmp, "two", "COPY two /two");
    ImageState extended = baseState.withLayer(one, baseState.config()).withLayer(two, baseState.config());

    SparseLayout layout = new SparseLayoutWriter().write(tmp.resolve("extended"), base.image, extended,
        List.of("acme/ext-a", "acme/ext-b"));

    Path imageDir = tmp.resolve("extended/run").resolve(layout.manifestDigest().value());
    assertThat(layout.dir()).isEqualTo(imageDir);
    assertThat(tmp.resolve("extended/run")).isDirectoryContaining(p -> p.equals(imageDir));
    try (Stream<Path> runEntries = Files.list(tmp.resolve("extended/run"))) {
      assertThat(runEntries).containsExactly(imageDir);
    }
    assertThat(blobNames(imageDir)).containsExactlyInAnyOrder(layout.manifestDigest().hex(),
        layout.manifest().config().digest().hex(), one.blob().get().digest().hex(), two.blob().get().digest().hex());
    assertThat(imageDir.resolve("oci-layout")).hasContent("{\"imageLayoutVersion\":\"1.0.0\"}");

    JsonNode index = JSON.readTree(imageDir.resolve("index.json").toFile());
    assertThat(index.path("manifests")).hasSize(1);
    assertThat(index.path("manifests").get(0).path("digest").asText()).isEqualTo(layout.manifestDigest().value());

    JsonNode manifest = JSON.readTree(blob(imageDir, layout.manifestDigest()));
    assertThat(manifest.path("layers")).hasSize(4);
    assertThat(manifest.path("layers").get(0).path("digest").asText()).isEqualTo(base.blobs.get(0).digest().value());
    assertThat(manifest.path("layers").get(3).path("digest").asText()).isEqualTo(two.blob().get().digest().value());
    assertThat(manifest.path("layers").get(3).path("mediaType").asText()).isEqualTo(MediaTypes.OCI_LAYER_GZIP);

    JsonNode config = JSON.readTree(blob(imageDir, Digest.parse(manifest.path("config").path("digest").asText())));
    assertThat(config.path("created").asText()).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(config.path("rootfs").path("diff_ids")).hasSize(4);
    assertThat(config.path("rootfs").path("diff_ids").get(2).asText()).isEqualTo(one.diffId().value());
    JsonNode history = config.path("history");
    assertThat(history).hasSize(config.path("rootfs").path("diff_ids").size());
    assertThat(history.get(0).path("created_by").asText()).isEqualTo("busybox");
    assertThat(history.get(1).path("created_by").asText()).isEqualTo("users");
    assertThat(history.get(2).path("created_by").asText())
        .isEqualTo("Layer: 'RUN echo one', Created by extension: acme/ext-a");
    assertThat(history.get(3).path("created_by").asText())
        .isEqualTo("Layer: 'COPY two /two', Created by extension: acme/ext-b");
    assertThat(config.path("config").path("Env").toString()).contains("GREETING=a=b=c");
  }

  @Test
  void skopeoReadsTheManifestAndConfigOfTheSparseLayout(@TempDir Path tmp) throws IOException {
    ImageState extended = baseState.withLayer(newLayer(tmp, "one", "RUN x"), baseState.config());
    SparseLayout layout = new SparseLayoutWriter().write(tmp, base.image, extended, List.of("ext"));

    // The dir name holds a ':', which skopeo's oci: syntax would take for a tag separator.
    Path view = Files.createSymbolicLink(tmp.resolve("view"), layout.dir());
    String raw = Commands.run("skopeo", "inspect", "--raw", "oci:" + view);
    String rawConfig = Commands.run("skopeo", "inspect", "--config", "--raw", "oci:" + view);

    assertThat(raw.strip()).isEqualTo(new String(layout.manifest().toJson()));
    assertThat(JSON.readTree(rawConfig)).isEqualTo(JSON.readTree(layout.config().toJson()));
  }

  @Test
  void writesANewLayerWhoseDigestRepeatsTheBaseTopLayer(@TempDir Path tmp) {
    LayerBlob top = base.blobs.get(1);
    StateLayer again = new StateLayer(top.diffId(), dir, Optional.of(top), "COPY users /");
    ImageState extended = baseState.withLayer(again, baseState.config());

    SparseLayout layout = new SparseLayoutWriter().write(tmp, base.image, extended, List.of("ext"));

    assertThat(layout.manifest().layers()).extracting(Descriptor::digest)
        .containsExactly(base.blobs.get(0).digest(), top.digest(), top.digest());
    assertThat(layout.blob(top.digest())).isPresent();
    assertThat(layout.blob(base.blobs.get(0).digest())).isEmpty();
    assertThat(layout.config().history()).hasSize(3);
  }

  @Test
  void anImageWithoutNewLayersKeepsOnlyManifestAndConfig(@TempDir Path tmp) {
    SparseLayout layout = new SparseLayoutWriter().write(tmp, base.image, baseState, List.of());

    assertThat(blobNames(layout.dir())).hasSize(2);
    assertThat(layout.manifest().layers()).isEqualTo(base.image.manifest().layers());
    assertThat(layout.config().history()).hasSize(2);
  }

  @Test
  void rewritingLeavesExactlyOneImageAndTheReaderReturnsIt(@TempDir Path tmp) throws IOException {
    SparseLayoutWriter writer = new SparseLayoutWriter();
    writer.write(tmp, base.image, baseState.withLayer(newLayer(tmp, "old", "RUN old"), baseState.config()),
        List.of("ext"));
    SparseLayout second = writer.write(tmp, base.image,
        baseState.withLayer(newLayer(tmp, "new", "RUN new"), baseState.config()), List.of("ext"));

    SparseLayout read = new SparseLayoutReader().read(tmp);

    assertThat(read).isEqualTo(second);
    assertThat(read.blob(read.manifest().layers().get(2).digest())).isPresent();
    assertThat(read.blob(read.manifest().layers().get(0).digest())).isEmpty();
  }

  @Test
  void readerFailsWhenRunHoldsTwoImages(@TempDir Path tmp) throws IOException {
    new SparseLayoutWriter().write(tmp, base.image, baseState, List.of());
    Files.createDirectories(tmp.resolve("run/sha256:" + "0".repeat(64)));

    assertThatThrownBy(() -> new SparseLayoutReader().read(tmp))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("expected exactly one extended run image")
        .hasMessageContaining("found 2");
  }

  @Test
  void readerFailsWhenTheIndexListsTwoManifests(@TempDir Path tmp) throws IOException {
    SparseLayout layout = new SparseLayoutWriter().write(tmp, base.image, baseState, List.of());
    Path index = layout.dir().resolve("index.json");
    JsonNode node = JSON.readTree(index.toFile());
    ((com.fasterxml.jackson.databind.node.ArrayNode) node.path("manifests")).add(node.path("manifests").get(0));
    Files.write(index, JSON.writeValueAsBytes(node));

    assertThatThrownBy(() -> new SparseLayoutReader().read(tmp))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("must list exactly one manifest, not 2");
  }

  @Test
  void readerFailsWhenThereIsNoExtendedRunImage(@TempDir Path tmp) {
    assertThatThrownBy(() -> new SparseLayoutReader().read(tmp))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("missing extended run image");
  }

  private static List<String> blobNames(Path imageDir) {
    try (Stream<Path> blobs = Files.list(imageDir.resolve("blobs/sha256"))) {
      return blobs.map(p -> p.getFileName().toString()).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] blob(Path imageDir, Digest digest) throws IOException {
    return Files.readAllBytes(imageDir.resolve("blobs/sha256").resolve(digest.hex()));
  }
}
