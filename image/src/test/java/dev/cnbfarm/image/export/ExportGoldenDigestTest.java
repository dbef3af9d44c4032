package dev.cnbfarm.image.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.dockerfile.ExtensionLayer;
import dev.cnbfarm.image.dockerfile.SparseLayoutWriter;
import dev.cnbfarm.image.dockerfile.StateLayer;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageAssembly;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exporter's output pinned to digests recorded before the export was split into publish,
 * assemble and push: every input is fixed (content, modes, owners), so any change of a layer tar,
 * the config or the manifest shows here. Hermetic: OCI layouts only.
 */
class ExportGoldenDigestTest {
  /** A fixed place: the run image's {@code oci:} path is recorded in the lifecycle label. */
  static final Path dir = Path.of("/tmp/cnbfarm-export-golden");
  /**
   * Recorded before the export was split (commit "Exporter: pin the digests..."); recorded again
   * when the process table gained {@code buildpack-api} and launcher.sh the reference's arg rules;
   * {@link #SH} again when launcher.sh 3 stopped sourcing profile scripts for direct processes.
   */
  static final String PLAIN = "sha256:ec79108e1822f3c6236a7a1e157b18d67f72f6b57a7a34484a627cd8635da9ef";
  static final String SH = "sha256:aa281e53f395d4283c7711010f3f593e51801424a7a22c5cec9170a86eac097e";
  static final String EXTENDED = "sha256:d8446447144f66b830e666a493ca6cce016781cc789e2d7793eb15ebfbbca475";
  final OciLayoutImageStore store = new OciLayoutImageStore();

  @BeforeEach
  @AfterEach
  void clean() throws IOException {
    FileTrees.deleteRecursively(dir);
  }

  @Test
  void aPlainExportKeepsItsRecordedDigest() throws IOException {
    assertThat(export(false, true).digest().value()).isEqualTo(PLAIN);
  }

  @Test
  void anExportWithTheShLauncherKeepsItsRecordedDigest() throws IOException {
    assertThat(export(false, false).digest().value()).isEqualTo(SH);
  }

  @Test
  void anExportOnAnExtendedRunImageKeepsItsRecordedDigest() throws IOException {
    assertThat(export(true, true).digest().value()).isEqualTo(EXTENDED);
  }

  @Test
  void aPublishedBuildExportsWithoutLayersAppOrLauncherToTheOneShotDigest() throws IOException {
    ExportRequest req = request(false, true);
    PublishedBuild build = new BuildPublisher(store, Reporter.NONE).publish(PublishRequest.of(req));
    FileTrees.deleteRecursively(req.layersDir());
    FileTrees.deleteRecursively(req.appDir());
    Files.delete(req.launcherFile());

    ExportResult result = new Exporter(store, Reporter.NONE).export(req, build);

    assertThat(result.digest().value()).isEqualTo(PLAIN);
    assertThat(store.read(req.targets().get(0)).manifestDigest()).isEqualTo(result.digest());
  }

  @Test
  void aPublishedBuildOnAnExtendedRunImageNeedsOnlyExtended() throws IOException {
    ExportRequest req = request(true, true);
    PublishedBuild build = new BuildPublisher(store, Reporter.NONE).publish(PublishRequest.of(req));
    FileTrees.deleteRecursively(req.layersDir());
    FileTrees.deleteRecursively(req.appDir());

    assertThat(new Exporter(store, Reporter.NONE).export(req, build).digest().value()).isEqualTo(EXTENDED);
  }

  static Path write(Path file, String text, String mode) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  static void dirModes(Path root) throws IOException {
    try (var walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        if (Files.isDirectory(p)) {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
    }
  }

  Image runImage() throws IOException {
    Path tree = dir.resolve("run-tree");
    write(tree.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\ncnb:x:1000:1000::/home/cnb:/bin/sh\n", "rw-r--r--");
    write(tree.resolve("bin/tool"), "#!/bin/sh\n", "rwxr-xr-x");
    dirModes(tree);
    LayerBlob layer = LayerWriter.of().writeTree(tree, dir.resolve("run.tar.gz"));
    LayoutRef ref = LayoutRef.of(dir.resolve("run-layout"), "run");
    store.pushBlob(ref, layer);
    ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64)
        .withLayer(layer.diffId(), new ImageConfig.History("", "tree", "", false))
        .withEnv(List.of("PATH=/bin", "HOME=/home/cnb")).withUser("cnb")
        .withLabels(Map.of("io.buildpacks.rebasable", "true"));
    ImageAssembly.of(config, List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer.digest(), layer.size())))
        .pushTo(store, ref);
    return store.read(ref);
  }

  ExportResult export(boolean extend, boolean launcherFile) throws IOException {
    return new Exporter(store, Reporter.NONE).export(request(extend, launcherFile));
  }

  ExportRequest request(boolean extend, boolean launcherFile) throws IOException {
    Image run = runImage();
    Path layers = dir.resolve("layers");
    write(layers.resolve("bp_a/web.toml"), "[types]\nlaunch = true\n[metadata]\nversion = \"1.2\"\n", "rw-r--r--");
    write(layers.resolve("bp_a/web/bin/serve"), "#!/bin/sh\necho serving\n", "rwxr-xr-x");
    write(layers.resolve("bp_a/deps.toml"), "[types]\ncache = true\n", "rw-r--r--");
    write(layers.resolve("bp_a/deps/big"), "cache only", "rw-r--r--");
    write(layers.resolve("config/metadata.toml"), """
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
        """, "rw-r--r--");
    write(layers.resolve("project-metadata.toml"), "[source]\ntype = \"git\"\n", "rw-r--r--");
    Path app = dir.resolve("app");
    write(app.resolve("index.html"), "hello\n", "rw-r--r--");
    write(app.resolve("sub/run.sh"), "#!/bin/sh\n", "rwxr-x---");
    Files.createSymbolicLink(app.resolve("link"), Path.of("index.html"));
    dirModes(app);
    dirModes(layers);
    Path launcher = dir.resolve("launcher");
    if (launcherFile) {
      write(launcher, "#!/bin/sh\nexec \"$@\"\n", "rwxr-xr-x");
    }
    List<GroupEntry> extensions = List.of();
    Path extended = dir.resolve("extended");
    if (extend) {
      Path ext = dir.resolve("ext-tree");
      write(ext.resolve("etc/ext"), "from an extension\n", "rw-r--r--");
      dirModes(ext);
      LayerBlob blob = LayerWriter.of().writeTree(ext, dir.resolve("ext.tar.gz"));
      new SparseLayoutWriter().write(extended, run, run.config().withEnv(List.of("PATH=/bin", "EXT=1")),
          List.of(new ExtensionLayer("ext/a", new StateLayer(blob.diffId(), ext, Optional.of(blob), "RUN echo"))));
      extensions = List.of(new GroupEntry("ext/a", "1", "0.10", ""));
    }
    Analyzed analyzed = Analyzed.parse("[run-image]\nreference = \"" + run.pinnedRef() + "\"\nimage = \"example.org/run\""
        + "\nextend = " + extend + "\n", "analyzed.toml");
    ImageRef target = ImageRef.parse("oci:" + dir.resolve("out") + ":app");
    return new ExportRequest(layers, app, launcher,
        layers.resolve("project-metadata.toml"), extended, analyzed,
        new Group(List.of(new GroupEntry("bp/a", "1.0", "0.10", "")), extensions),
        new RunMetadata(List.of(new RunMetadata.RunImage("example.org/run", List.of("mirror.example/run")))),
        new BuildMetadataLabel.Launcher("0.1.0", "https://example.org/launcher", "abc"), List.of(target), 1000, 1001,
        "0.13");
  }
}
