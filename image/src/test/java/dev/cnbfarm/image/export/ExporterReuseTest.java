package dev.cnbfarm.image.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.CountingImageStore;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.RegistryImageStore;
import dev.cnbfarm.image.store.RegistrySettings;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.BusyboxRunImage;
import dev.cnbfarm.image.testing.LocalRegistry;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.platform.LayersMetadata;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import dev.cnbfarm.lifecycle.testing.RecordingReporter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export with a previous image (buildpack.md "Reusing layers"): a launch layer left as {@code
 * <layer>.toml} only is the previous image's blob, mounted or found in place, never downloaded; a
 * re-created layer equal to the previous one is not uploaded again; the launch SBOM layer and its
 * {@code sbom} label entry. Against a real registry and {@code oci:} layouts.
 */
class ExporterReuseTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path shared;
  static LocalRegistry registry;
  static CountingImageStore store;
  static Image run;

  @TempDir Path dir;
  Path layers;
  Path app;
  final RecordingReporter reporter = new RecordingReporter();

  @BeforeAll
  static void runImageInRegistry() throws IOException {
    registry = LocalRegistry.start();
    store = new CountingImageStore(
        new RoutingImageStore(new OciLayoutImageStore(), RegistryImageStore.of(RegistrySettings.defaults())));
    run = BusyboxRunImage.copy(store, BusyboxRunImage.write(shared, "true"),
        ImageRef.parse(registry.host() + "/reuse/run:base"), shared);
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @BeforeEach
  void buildOutputs() throws IOException {
    layers = Files.createDirectories(dir.resolve("layers"));
    Path bp = Files.createDirectories(layers.resolve("bp_a"));
    Files.writeString(bp.resolve("web.toml"), "[types]\nlaunch = true\n[metadata]\nversion = \"1.2\"\n");
    Files.createDirectories(bp.resolve("web/bin"));
    Files.writeString(bp.resolve("web/bin/serve"), "#!/bin/sh\necho serving\n");
    Files.writeString(bp.resolve("tools.toml"), "[types]\nlaunch = true\n");
    Files.createDirectories(bp.resolve("tools"));
    Files.writeString(bp.resolve("tools/t"), "tools\n");
    Path sbom = Files.createDirectories(layers.resolve("sbom/launch/bp_a/web"));
    Files.writeString(sbom.resolve("sbom.cdx.json"), "{\"bomFormat\":\"CycloneDX\"}\n");
    Files.writeString(Files.createDirectories(layers.resolve("sbom/build/bp_a")).resolve("sbom.cdx.json"), "{}\n");
    Path config = Files.createDirectories(layers.resolve("config"));
    Files.writeString(config.resolve("metadata.toml"), """
        [[buildpacks]]
        id = "bp/a"
        version = "1.0"
        api = "0.10"
        [[processes]]
        type = "web"
        command = ["serve"]
        args = []
        direct = true
        default = true
        buildpack-id = "bp/a"
        """);
    app = Files.createDirectories(dir.resolve("app"));
    Files.writeString(app.resolve("index.html"), "hello\n");
    Files.writeString(dir.resolve("launcher"), "#!/bin/sh\nexec \"$@\"\n");
  }

  Analyzed analyzed(Optional<Image> previous) {
    Analyzed a = Analyzed.parse("[run-image]\nreference = \"" + run.pinnedRef() + "\"\nimage = \""
        + registry.host() + "/reuse/run\"\n", "analyzed.toml");
    return previous.map(p -> a.withPreviousImage(p.pinnedRef().toString(),
        LayersMetadata.fromLabel(p.config().labels().get(LifecycleMetadata.LABEL)))).orElse(a);
  }

  ExportResult export(Optional<Image> previous, ImageRef target) {
    return new Exporter(store, reporter).export(new ExportRequest(layers, app, dir.resolve("launcher"),
        layers.resolve("project-metadata.toml"), layers.resolve("extended"), analyzed(previous),
        new Group(List.of(new GroupEntry("bp/a", "1.0", "0.10", "")), List.of()), new RunMetadata(List.of()),
        new BuildMetadataLabel.Launcher("", "", ""), List.of(target), 1000, 1000, "0.13"));
  }

  /** The layer left as toml only, as a restorer leaves it for a buildpack that keeps it. */
  void keepOnlyToml(String layer) throws IOException {
    Path d = layers.resolve("bp_a").resolve(layer);
    try (var walk = Files.walk(d)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  static BlobPush.Outcome outcome(ExportResult r, String id) {
    return r.layers().stream().filter(l -> l.id().equals(id)).findFirst().orElseThrow().outcome();
  }

  @Test
  void aLaunchLayerLeftAsTomlIsMountedFromThePreviousImageAndTheUnchangedRebuildHasTheSameDigest() throws IOException {
    ImageRef target = ImageRef.parse(registry.host() + "/reuse/app:same");
    ExportResult first = export(Optional.empty(), target);
    Image previous = store.read(target);
    keepOnlyToml("web");
    reporter.clear();
    store.reset();

    ExportResult second = export(Optional.of(previous), target);

    assertThat(reporter.lines()).contains("Reusing layer 'bp/a:web'", "Reusing layer 'bp/a:tools'",
        "Reusing layer '" + BuildPublisher.SBOM_LAYER + "'");
    assertThat(outcome(second, "bp/a:web")).isIn(BlobPush.Outcome.EXISTED, BlobPush.Outcome.MOUNTED);
    assertThat(second.count(BlobPush.Outcome.UPLOADED)).isZero();
    assertThat(store.uploads()).isZero();
    assertThat(store.pulled()).isEmpty();
    assertThat(second.digest()).isEqualTo(first.digest());
  }

  @Test
  void aReusedLayerIsMountedIntoAnotherRepositoryAndKeepsTheTomlMetadata() throws IOException {
    ImageRef first = ImageRef.parse(registry.host() + "/reuse/app:v1");
    export(Optional.empty(), first);
    Image previous = store.read(first);
    keepOnlyToml("web");
    Files.writeString(layers.resolve("bp_a/web.toml"), "[types]\nlaunch = true\n[metadata]\nversion = \"1.2\"\nkept = true\n");
    store.reset();

    ExportResult second = export(Optional.of(previous), ImageRef.parse(registry.host() + "/reuse/other:v2"));

    assertThat(outcome(second, "bp/a:web")).isEqualTo(BlobPush.Outcome.MOUNTED);
    // re-created and equal to the previous image's: mounted from it too, not uploaded again
    assertThat(outcome(second, "bp/a:tools")).isEqualTo(BlobPush.Outcome.MOUNTED);
    assertThat(outcome(second, BuildPublisher.SBOM_LAYER)).isEqualTo(BlobPush.Outcome.MOUNTED);
    assertThat(store.pulled()).isEmpty();
    JsonNode label = JSON.readTree(second.image().config().labels().get(LifecycleMetadata.LABEL));
    JsonNode web = label.at("/buildpacks/0/layers/web");
    assertThat(web.path("sha").asText()).isEqualTo(JSON.readTree(previous.config().labels().get(LifecycleMetadata.LABEL))
        .at("/buildpacks/0/layers/web/sha").asText());
    assertThat(web.at("/data/kept").asBoolean()).isTrue();
    assertThat(web.path("launch").asBoolean()).isTrue();
  }

  @Test
  void anAppOnlyChangeUploadsOnlyTheAppLayer() throws IOException {
    ImageRef target = ImageRef.parse(registry.host() + "/reuse/app:apponly");
    export(Optional.empty(), target);
    Image previous = store.read(target);
    Files.writeString(app.resolve("index.html"), "hello again\n");
    reporter.clear();
    store.reset();

    ExportResult second = export(Optional.of(previous), target);

    assertThat(second.layers().stream().filter(l -> l.outcome() == BlobPush.Outcome.UPLOADED)
        .map(ExportResult.LayerOutcome::id)).containsExactly("app");
    assertThat(store.uploads()).isEqualTo(1);
    assertThat(reporter.lines()).contains("Reusing layer 'bp/a:web'");
  }

  @Test
  void aTomlOnlyLayerThePreviousImageLacksIsAnExportErrorNamingIt() throws IOException {
    keepOnlyToml("web");
    assertThatThrownBy(() -> export(Optional.empty(), ImageRef.parse(registry.host() + "/reuse/app:none")))
        .isInstanceOfSatisfying(LifecycleException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.EXPORT_ERROR))
        .hasMessageContaining("cannot reuse 'bp/a:web', previous image has no metadata for layer 'bp/a:web'");
  }

  @Test
  void aCacheLayerWithoutContentsIsAnExportError() throws IOException {
    keepOnlyToml("web");
    Files.writeString(layers.resolve("bp_a/web.toml"), "[types]\nlaunch = true\ncache = true\n");
    assertThatThrownBy(() -> export(Optional.empty(), ImageRef.parse(registry.host() + "/reuse/app:cache")))
        .hasMessageContaining("layer 'bp/a:web' is cache=true but has no contents");
  }

  @Test
  void theLaunchSbomsAreOneLayerNamedInTheLabel() throws IOException {
    ImageRef target = ImageRef.parse(registry.host() + "/reuse/app:sbom");
    ExportResult result = export(Optional.empty(), target);
    assertThat(reporter.lines()).contains("Adding layer '" + BuildPublisher.SBOM_LAYER + "'", "Adding layer 'bp/a:web'");
    Image image = store.read(target);
    String sha = JSON.readTree(image.config().labels().get(LifecycleMetadata.LABEL)).at("/sbom/sha").asText();
    int index = image.config().diffIds().stream().map(d -> d.value()).toList().indexOf(sha);
    assertThat(index).isGreaterThan(0);
    List<String> ids = result.layers().stream().map(ExportResult.LayerOutcome::id).toList();
    assertThat(ids.indexOf(BuildPublisher.SBOM_LAYER)).isEqualTo(ids.indexOf("app") - 1);
    Map<String, String> files = tar(target, image.manifest().layers().get(index));
    assertThat(files).containsEntry("layers/sbom/launch/bp_a/web/sbom.cdx.json", "{\"bomFormat\":\"CycloneDX\"}\n")
        .doesNotContainKey("layers/sbom/build/bp_a/sbom.cdx.json");
  }

  @Test
  void aLayerLeftAsTomlIsCopiedFromAPreviousImageInAnOciLayout() throws IOException {
    ImageRef first = LayoutRef.of(dir.resolve("oci-app"), "v1");
    export(Optional.empty(), first);
    Image previous = store.read(first);
    keepOnlyToml("web");
    ExportResult second = export(Optional.of(previous), ImageRef.parse(registry.host() + "/reuse/fromlayout:v2"));
    assertThat(outcome(second, "bp/a:web")).isEqualTo(BlobPush.Outcome.UPLOADED);
    ExportResult third = export(Optional.of(previous), LayoutRef.of(dir.resolve("oci-app"), "v3"));
    assertThat(outcome(third, "bp/a:web")).isEqualTo(BlobPush.Outcome.EXISTED);
  }

  static Map<String, String> tar(ImageRef repo, Descriptor layer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.pullBlob(repo, layer, out);
    Map<String, String> files = new java.util.TreeMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(
        new GzipCompressorInputStream(new ByteArrayInputStream(out.toByteArray())))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        files.put(e.getName(), e.isDirectory() ? "" : new String(tar.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return files;
  }
}
