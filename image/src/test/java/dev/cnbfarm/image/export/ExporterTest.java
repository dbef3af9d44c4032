package dev.cnbfarm.image.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnbfarm.image.dockerfile.ExtensionLayer;
import dev.cnbfarm.image.dockerfile.SparseLayout;
import dev.cnbfarm.image.dockerfile.SparseLayoutWriter;
import dev.cnbfarm.image.dockerfile.StateLayer;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.RegistryImageStore;
import dev.cnbfarm.image.store.RegistrySettings;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.BusyboxRunImage;
import dev.cnbfarm.image.store.CountingImageStore;
import dev.cnbfarm.image.testing.LocalRegistry;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * The exporter against a real registry, on a busybox run image that was pushed there: layer order,
 * labels, config, the rebase seam with and without a run-image extension, reproducibility, no
 * re-upload and no base layer download.
 */
class ExporterTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path shared;
  static LocalRegistry registry;
  static CountingImageStore store;
  static Image run;

  @TempDir Path dir;
  Path layers;
  Path app;
  Path launcher;

  @BeforeAll
  static void runImageInRegistry() throws IOException {
    registry = LocalRegistry.start();
    store = new CountingImageStore(
        new RoutingImageStore(new OciLayoutImageStore(), RegistryImageStore.of(RegistrySettings.defaults())));
    run = BusyboxRunImage.copy(store, BusyboxRunImage.write(shared, "true"),
        ImageRef.parse(registry.host() + "/test/run:base"), shared);
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
    Files.writeString(bp.resolve("deps.toml"), "[types]\ncache = true\n");
    Files.createDirectories(bp.resolve("deps"));
    Files.writeString(bp.resolve("deps/big"), "cache only");
    Files.writeString(bp.resolve("launch.toml"), "[[processes]]\ntype = \"web\"\ncommand = [\"serve\"]\n");
    Path config = Files.createDirectories(layers.resolve("config"));
    Files.writeString(config.resolve("metadata.toml"), """
        buildpack-default-process-type = "web"
        [[buildpacks]]
        id = "bp/a"
        version = "1.0"
        api = "0.10"
        [[processes]]
        type = "web"
        command = ["serve"]
        args = ["--port", "8080"]
        direct = true
        default = true
        buildpack-id = "bp/a"
        """);
    app = Files.createDirectories(dir.resolve("app"));
    Files.writeString(app.resolve("index.html"), "hello\n");
    launcher = dir.resolve("launcher");
    Files.writeString(launcher, "#!/bin/sh\nexec \"$@\"\n");
  }

  ExportRequest request(boolean extend, List<ImageRef> targets, List<GroupEntry> extensions) {
    return request(extend, targets, extensions,
        new RunMetadata(List.of(new RunMetadata.RunImage(registry.host() + "/test/run", List.of("mirror.example/run")))));
  }

  ExportRequest request(boolean extend, List<ImageRef> targets, List<GroupEntry> extensions, RunMetadata runToml) {
    Analyzed analyzed = Analyzed.parse("[run-image]\nreference = \"" + run.pinnedRef() + "\"\nimage = \""
        + registry.host() + "/test/run\"\nextend = " + extend + "\n", "analyzed.toml");
    return new ExportRequest(layers, app, launcher, layers.resolve("project-metadata.toml"),
        layers.resolve("extended"), analyzed, new Group(List.of(new GroupEntry("bp/a", "1.0", "0.10", "")), extensions),
        runToml,
        new BuildMetadataLabel.Launcher("0.1.0", "https://example.org/launcher", "abc"), targets, 1000, 1001, "0.13");
  }

  @Test
  void labelRecordsTheRunImageUsedWithoutRunTomlImagesAndMatchesRunTomlThroughNormalisation() throws IOException {
    ImageRef target = ImageRef.parse(registry.host() + "/test/app:label");
    Exporter exporter = new Exporter(store, Reporter.NONE);

    exporter.export(request(false, List.of(target), List.of(), new RunMetadata(List.of())));
    JsonNode lc = JSON.readTree(store.read(target).config().labels().get("io.buildpacks.lifecycle.metadata"));
    assertThat(lc.at("/runImage/image").asText()).isEqualTo(registry.host() + "/test/run");

    exporter.export(request(false, List.of(target), List.of(), new RunMetadata(List.of(
        new RunMetadata.RunImage("other.example/first", List.of()),
        new RunMetadata.RunImage(registry.host() + "/test/run:latest", List.of("mirror.example/run:latest"))))));
    lc = JSON.readTree(store.read(target).config().labels().get("io.buildpacks.lifecycle.metadata"));
    assertThat(lc.at("/runImage/image").asText()).isEqualTo(registry.host() + "/test/run:latest");
    assertThat(lc.at("/runImage/mirrors/0").asText()).isEqualTo("mirror.example/run:latest");
  }

  @Test
  void exportsRunLayersThenLaunchLayersAppLauncherAndConfigWithLabelsAndLauncherConfig() throws IOException {
    ImageRef target = ImageRef.parse(registry.host() + "/test/app:1");
    ImageRef extra = ImageRef.parse(registry.host() + "/test/app:latest");
    store.reset();
    ExportResult result = new Exporter(store, Reporter.NONE).export(request(false, List.of(target, extra), List.of()));

    assertThat(result.layers().stream().filter(l -> l.target().equals(target)).map(ExportResult.LayerOutcome::id))
        .containsExactly("run:0", "run:1", "bp/a:web", "app", "launcher", "config");
    Image pushed = store.read(target);
    assertThat(pushed.manifestDigest()).isEqualTo(result.digest());
    assertThat(store.read(extra).manifestDigest()).isEqualTo(result.digest());
    assertThat(pushed.manifest().layers().subList(0, 2)).extracting(Descriptor::digest)
        .isEqualTo(run.manifest().layers().stream().map(Descriptor::digest).toList());
    assertThat(pushed.manifest().layers()).hasSize(6);
    assertThat(pushed.config().diffIds()).hasSize(6);

    assertThat(pushed.config().entrypoint()).containsExactly("/cnb/lifecycle/launcher");
    assertThat(pushed.config().cmd()).isEmpty();
    assertThat(pushed.config().workingDir()).contains("/workspace");
    assertThat(pushed.config().user()).contains("cnb");
    assertThat(pushed.config().env()).containsExactly("PATH=/cnb/process:/cnb/lifecycle:/bin", "HOME=/home/cnb",
        "CNB_LAYERS_DIR=/layers", "CNB_APP_DIR=/workspace", "CNB_PLATFORM_API=0.13");
    assertThat(new String(pushed.config().toJson(), StandardCharsets.UTF_8)).contains("\"created\":\"1980-01-01T00:00:01Z\"");

    Map<String, String> labels = pushed.config().labels();
    assertThat(labels).containsEntry("io.buildpacks.rebasable", "true").containsEntry("org.example.base", "busybox")
        .containsEntry("io.buildpacks.project.metadata", "{}");
    JsonNode lc = JSON.readTree(labels.get("io.buildpacks.lifecycle.metadata"));
    List<Digest> diffIds = pushed.config().diffIds();
    assertThat(lc.at("/runImage/topLayer").asText()).isEqualTo(run.config().diffIds().get(1).value());
    assertThat(lc.at("/runImage/reference").asText()).isEqualTo(run.pinnedRef().toString());
    assertThat(lc.at("/runImage/image").asText()).isEqualTo(registry.host() + "/test/run");
    assertThat(lc.at("/runImage/mirrors/0").asText()).isEqualTo("mirror.example/run");
    assertThat(lc.at("/stack/runImage/image").asText()).isEqualTo(registry.host() + "/test/run");
    assertThat(lc.at("/buildpacks/0/key").asText()).isEqualTo("bp/a");
    assertThat(lc.at("/buildpacks/0/layers").fieldNames()).toIterable().containsExactly("web");
    assertThat(lc.at("/buildpacks/0/layers/web/sha").asText()).isEqualTo(diffIds.get(2).value());
    assertThat(lc.at("/buildpacks/0/layers/web/data/version").asText()).isEqualTo("1.2");
    assertThat(lc.at("/buildpacks/0/layers/web/launch").asBoolean()).isTrue();
    assertThat(lc.at("/app/0/sha").asText()).isEqualTo(diffIds.get(3).value());
    assertThat(lc.at("/launcher/sha").asText()).isEqualTo(diffIds.get(4).value());
    assertThat(lc.at("/config/sha").asText()).isEqualTo(diffIds.get(5).value());
    JsonNode build = JSON.readTree(labels.get("io.buildpacks.build.metadata"));
    assertThat(build.at("/buildpacks/0/id").asText()).isEqualTo("bp/a");
    assertThat(build.at("/processes/0/type").asText()).isEqualTo("web");
    assertThat(build.at("/processes/0/command/0").asText()).isEqualTo("serve");
    assertThat(build.at("/processes/0/args/1").asText()).isEqualTo("8080");
    assertThat(build.at("/processes/0/direct").asBoolean()).isTrue();
    assertThat(build.at("/processes/0/buildpackID").asText()).isEqualTo("bp/a");
    assertThat(build.at("/launcher/version").asText()).isEqualTo("0.1.0");
    assertThat(build.at("/extensions").isArray()).isTrue();

    assertThat(entries(target, pushed.manifest().layers().get(2))).contains("layers/", "layers/bp_a/",
        "layers/bp_a/web/bin/serve 1000:1001").noneMatch(e -> e.contains("deps"));
    assertThat(entries(target, pushed.manifest().layers().get(3))).contains("workspace/ 1000:1001",
        "workspace/index.html 1000:1001");
    assertThat(entries(target, pushed.manifest().layers().get(4))).contains("cnb/lifecycle/launcher 0:0");
    assertThat(entries(target, pushed.manifest().layers().get(5))).contains("layers/config/metadata.toml 0:0");

    assertThat(result.layers()).filteredOn(l -> l.id().startsWith("run:") && l.target().equals(target))
        .extracting(ExportResult.LayerOutcome::outcome).containsOnly(BlobPush.Outcome.MOUNTED);
    assertThat(result.layers()).filteredOn(l -> l.target().equals(extra))
        .extracting(ExportResult.LayerOutcome::outcome).containsOnly(BlobPush.Outcome.EXISTED);
    assertThat(result.report().toToml()).isEqualTo(Map.of("image", Map.of("tags",
        List.of(target.toString(), extra.toString()), "digest", result.digest().value(),
        "manifest-size", (long) pushed.manifest().toJson().length)));
  }

  @Test
  void aRunImageSwitchedByAnExtensionIsExportedByItsName() throws IOException {
    ImageRef target = ImageRef.parse(registry.host() + "/test/switched:1");
    ExportRequest byReference = request(false, List.of(target), List.of());
    Analyzed switched = Analyzed.parse("[run-image]\nimage = \"" + run.pinnedRef() + "\"\n", "analyzed.toml");
    ExportRequest byName = new ExportRequest(byReference.layersDir(), byReference.appDir(), byReference.launcherFile(),
        byReference.projectMetadata(), byReference.extendedDir(), switched, byReference.group(), byReference.run(),
        byReference.launcher(), byReference.targets(), byReference.uid(), byReference.gid(), byReference.platformApi());

    ExportResult r = new Exporter(store, Reporter.NONE).export(byName);

    assertThat(store.read(target).manifest().layers().get(0).digest())
        .isEqualTo(run.manifest().layers().get(0).digest());
    assertThat(r.digest()).isNotNull();
  }

  @Test
  void aSecondExportOfTheSameInputsGivesTheSameDigestAndUploadsNothing() throws IOException {
    ImageRef target = ImageRef.parse(registry.host() + "/test/again:1");
    store.reset();
    ExportResult first = new Exporter(store, Reporter.NONE).export(request(false, List.of(target), List.of()));
    // the same content at other paths, with other mtimes
    layers = copyTree(layers, dir.resolve("layers-copy"));
    app = copyTree(app, dir.resolve("app-copy"));
    ExportResult second = new Exporter(store, Reporter.NONE).export(request(false, List.of(target), List.of()));
    assertThat(second.digest()).isEqualTo(first.digest());
    assertThat(first.layers()).as(first.layers().toString()).hasSize(6);
    assertThat(first.count(BlobPush.Outcome.MOUNTED)).isEqualTo(2);
    assertThat(first.count(BlobPush.Outcome.UPLOADED)).isEqualTo(4);
    assertThat(second.layers()).extracting(ExportResult.LayerOutcome::outcome).containsOnly(BlobPush.Outcome.EXISTED);
    assertThat(store.pulled()).as("blobs pulled during export").isEmpty();
  }

  @Test
  void anExtendedRunImageAddsItsLayersAboveTheSeamAndItsConfigAndRebasableLabel() throws IOException {
    Path content = Files.createDirectories(dir.resolve("ext-layer/etc"));
    Files.writeString(content.resolve("ext"), "from an extension\n");
    LayerBlob blob = LayerWriter.of().writeTree(dir.resolve("ext-layer"), dir.resolve("ext.tar.gz"));
    SparseLayout sparse = new SparseLayoutWriter().write(layers.resolve("extended"), run,
        run.config().withEnv(List.of("PATH=/bin", "EXT=1")).withLabels(Map.of("io.buildpacks.rebasable", "false")),
        List.of(new ExtensionLayer("ext/a", new StateLayer(blob.diffId(), dir.resolve("ext-layer"), Optional.of(blob),
            "RUN echo"))));
    ImageRef target = ImageRef.parse(registry.host() + "/test/extended:1");
    store.reset();
    ExportResult result = new Exporter(store, Reporter.NONE)
        .export(request(true, List.of(target), List.of(new GroupEntry("ext/a", "1", "0.10", ""))));

    assertThat(result.layers()).extracting(ExportResult.LayerOutcome::id)
        .containsExactly("run:0", "run:1", "extension:0", "bp/a:web", "app", "launcher", "config");
    Image pushed = store.read(target);
    assertThat(pushed.manifest().layers().get(2).digest()).isEqualTo(blob.digest());
    assertThat(pushed.config().diffIds().subList(0, 3)).isEqualTo(sparse.config().diffIds());
    assertThat(pushed.config().labels()).containsEntry("io.buildpacks.rebasable", "false");
    assertThat(pushed.config().env()).contains("EXT=1", "PATH=/cnb/process:/cnb/lifecycle:/bin");
    JsonNode lc = JSON.readTree(pushed.config().labels().get("io.buildpacks.lifecycle.metadata"));
    assertThat(lc.at("/runImage/topLayer").asText()).as("the seam is the original run image's top layer")
        .isEqualTo(run.config().diffIds().get(1).value()).isNotEqualTo(blob.diffId().value());
    assertThat(result.layers()).filteredOn(l -> l.id().equals("extension:0"))
        .extracting(ExportResult.LayerOutcome::outcome).containsExactly(BlobPush.Outcome.UPLOADED);
    assertThat(store.pulled()).isEmpty();
  }

  @Test
  void anExtendedRunImageThatSetsRebasableTrueKeepsIt() throws IOException {
    Path content = Files.createDirectories(dir.resolve("ext-layer/etc"));
    Files.writeString(content.resolve("ext"), "rebasable\n");
    LayerBlob blob = LayerWriter.of().writeTree(dir.resolve("ext-layer"), dir.resolve("ext.tar.gz"));
    new SparseLayoutWriter().write(layers.resolve("extended"), run, run.config(),
        List.of(new ExtensionLayer("ext/a", new StateLayer(blob.diffId(), dir.resolve("ext-layer"), Optional.of(blob),
            "RUN echo"))));
    ImageRef target = ImageRef.parse(registry.host() + "/test/extended-rebasable:1");
    new Exporter(store, Reporter.NONE).export(request(true, List.of(target), List.of()));
    assertThat(store.read(target).config().labels()).containsEntry("io.buildpacks.rebasable", "true");
  }

  @Test
  void anExtendedRunImageWithoutItsSparseLayoutIsAnExportError() {
    ImageRef target = ImageRef.parse(registry.host() + "/test/nolayout:1");
    assertThatThrownBy(() -> new Exporter(store, Reporter.NONE).export(request(true, List.of(target), List.of())))
        .isInstanceOfSatisfying(LifecycleException.class, e -> {
          assertThat(e.code()).isEqualTo(FailureCode.EXPORT_ERROR);
          assertThat(e.getMessage()).contains("missing extended run image");
        });
  }

  @Test
  void withoutALauncherFileExportsTheShLauncherAndItsProcessTable() throws IOException {
    Files.delete(launcher);
    ImageRef target = ImageRef.parse(registry.host() + "/test/shlauncher:1");
    new Exporter(store, Reporter.NONE).export(request(false, List.of(target), List.of()));
    Image pushed = store.read(target);
    assertThat(entries(target, pushed.manifest().layers().get(4))).contains("cnb/lifecycle/launcher 0:0");
    assertThat(entries(target, pushed.manifest().layers().get(5))).contains("layers/config/metadata.toml",
        "layers/config/buildpacks", "layers/config/default-process", "layers/config/processes/web/command",
        "layers/config/processes/web/args", "layers/config/processes/web/direct", "cnb/process/web");
    JsonNode build = JSON.readTree(pushed.config().labels().get("io.buildpacks.build.metadata"));
    assertThat(build.at("/launcher/source/name").asText()).isEqualTo("cnbfarm-sh");
    assertThat(build.at("/launcher/version").asText()).isEqualTo(ShellLauncher.VERSION);
  }

  @Test
  void aProcessTypeThatIsNotAFileNameIsAnExportError() throws IOException {
    Path metadata = layers.resolve("config/metadata.toml");
    Files.writeString(metadata, Files.readString(metadata).replace("type = \"web\"", "type = \"../web\""));
    assertThatThrownBy(() -> new Exporter(store, Reporter.NONE)
        .export(request(false, List.of(ImageRef.parse(registry.host() + "/test/badtype:1")), List.of())))
        .isInstanceOfSatisfying(LifecycleException.class, e -> {
          assertThat(e.code()).isEqualTo(FailureCode.EXPORT_ERROR);
          assertThat(e.getMessage()).contains("process type '../web'");
        });
  }

  @Test
  void skopeoReadsTheExportedImage() throws Exception {
    ImageRef target = ImageRef.parse(registry.host() + "/test/skopeo:1");
    ExportResult result = new Exporter(store, Reporter.NONE).export(request(false, List.of(target), List.of()));
    Process p = new ProcessBuilder("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + target)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] raw = p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    assertThat(Digest.of(raw)).isEqualTo(result.digest());
  }

  @Test
  void anOciLayoutTargetGetsTheRunLayersCopiedAndTheSameManifest() {
    ImageRef registryTarget = ImageRef.parse(registry.host() + "/test/forlayout:1");
    ImageRef layoutTarget = ImageRef.parse("oci:" + dir.resolve("out") + ":app");
    ExportResult result = new Exporter(store, Reporter.NONE)
        .export(request(false, List.of(registryTarget, layoutTarget), List.of()));
    assertThat(store.read(layoutTarget).manifestDigest()).isEqualTo(result.digest());
    assertThat(result.layers()).filteredOn(l -> l.target().equals(layoutTarget) && l.id().startsWith("run:"))
        .extracting(ExportResult.LayerOutcome::outcome).containsOnly(BlobPush.Outcome.UPLOADED);
  }

  private static Path copyTree(Path from, Path to) throws IOException {
    try (java.util.stream.Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.sorted().toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }

  /** "path uid:gid" of every entry of a pushed layer. */
  private static List<String> entries(ImageRef repo, Descriptor layer) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    store.pullBlob(repo, layer.digest(), bytes);
    List<String> out = new ArrayList<>();
    try (InputStream in = new GzipCompressorInputStream(new ByteArrayInputStream(bytes.toByteArray()), true);
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = tar.getNextTarEntry(); e != null; e = tar.getNextTarEntry()) {
        out.add(e.getName());
        out.add(e.getName() + " " + e.getLongUserId() + ":" + e.getLongGroupId());
      }
    }
    return out;
  }
}
