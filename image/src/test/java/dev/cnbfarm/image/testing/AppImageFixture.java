package dev.cnbfarm.image.testing;

import dev.cnbfarm.image.dockerfile.ExtensionLayer;
import dev.cnbfarm.image.dockerfile.SparseLayoutWriter;
import dev.cnbfarm.image.dockerfile.StateLayer;
import dev.cnbfarm.image.export.ExportRequest;
import dev.cnbfarm.image.export.ExportResult;
import dev.cnbfarm.image.export.Exporter;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageAssembly;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Test fixture: app images exported by the real {@link Exporter} from a one-buildpack build
 * ({@code bp/a} with a launch layer {@code web}, process {@code web} = {@code serve --port 8080},
 * an {@code index.html} app), optionally on a run image extended by {@code ext/a} with one layer
 * holding {@code /etc/ext}; and run images derived from another by adding one layer.
 */
public final class AppImageFixture {
  private AppImageFixture() {}

  /** An extension's contribution: its layer adds {@code /etc/ext}; the extended config sets the rebasable label. */
  public record Extension(String rebasable) {}

  /**
   * Exports an app image on {@code run} (read from the store) to {@code target}, recording run
   * image name {@code runName} with mirror {@code <runName>-mirror}.
   */
  public static ExportResult export(ImageStore store, Path dir, Image run, String runName, ImageRef target,
      Optional<Extension> extension) throws IOException {
    Path layers = Files.createDirectories(dir.resolve("layers"));
    Path bp = Files.createDirectories(layers.resolve("bp_a"));
    Files.writeString(bp.resolve("web.toml"), "[types]\nlaunch = true\n[metadata]\nversion = \"1.2\"\n");
    Files.createDirectories(bp.resolve("web/bin"));
    Files.writeString(bp.resolve("web/bin/serve"), "#!/bin/sh\necho serving\n");
    Path config = Files.createDirectories(layers.resolve("config"));
    Files.writeString(config.resolve("metadata.toml"), """
        buildpack-default-process-type = "web"
        [[buildpacks]]
        id = "bp/a"
        version = "1.0"
        api = "0.10"
        homepage = "https://bp.example/a"
        [[processes]]
        type = "web"
        command = ["serve"]
        args = ["--port", "8080"]
        direct = true
        default = true
        buildpack-id = "bp/a"
        [[processes]]
        type = "worker"
        command = ["work"]
        buildpack-id = "bp/a"
        """ + (extension.isPresent() ? "[[extensions]]\nid = \"ext/a\"\nversion = \"2.0\"\napi = \"0.10\"\n" : ""));
    Path app = Files.createDirectories(dir.resolve("app"));
    Files.writeString(app.resolve("index.html"), "hello\n");
    Path launcher = Files.writeString(dir.resolve("launcher"), "#!/bin/sh\nexec \"$@\"\n");
    List<GroupEntry> extensions = new ArrayList<>();
    if (extension.isPresent()) {
      Path content = Files.createDirectories(dir.resolve("ext-layer/etc"));
      Files.writeString(content.resolve("ext"), "from an extension\n");
      LayerBlob blob = LayerWriter.of().writeTree(dir.resolve("ext-layer"), dir.resolve("ext.tar.gz"));
      Map<String, String> labels = new TreeMap<>(run.config().labels());
      labels.put("io.buildpacks.rebasable", extension.get().rebasable());
      new SparseLayoutWriter().write(layers.resolve("extended"), run,
          run.config().withEnv(List.of("PATH=/bin", "EXT=1")).withLabels(labels),
          List.of(new ExtensionLayer("ext/a", new StateLayer(blob.diffId(), dir.resolve("ext-layer"), Optional.of(blob),
              "RUN echo ext"))));
      extensions.add(new GroupEntry("ext/a", "2.0", "0.10", ""));
    }
    Analyzed analyzed = Analyzed.parse("[run-image]\nreference = \"" + run.pinnedRef() + "\"\nimage = \"" + runName
        + "\"\nextend = " + extension.isPresent() + "\n", "analyzed.toml");
    ExportRequest req = new ExportRequest(layers, app, launcher, layers.resolve("project-metadata.toml"),
        layers.resolve("extended"), analyzed, new Group(List.of(new GroupEntry("bp/a", "1.0", "0.10", "")), extensions),
        new RunMetadata(List.of(new RunMetadata.RunImage(runName, List.of(runName + "-mirror")))),
        new BuildMetadataLabel.Launcher("0.1.0", "https://example.org/launcher", "abc"), List.of(target), 1000, 1000,
        "0.13");
    return new Exporter(store, Reporter.NONE).export(req);
  }

  /**
   * Writes to {@code to} a run image that is {@code base} plus one layer holding {@code /etc/marker}
   * (with {@code text}), with {@code labels} added to the config. {@code base}'s layers must be in
   * {@code to}'s repository or mountable from {@code base.ref()}.
   */
  public static Image derivedRunImage(ImageStore store, Image base, ImageRef to, String text, Map<String, String> labels,
      Path dir) throws IOException {
    Path tree = Files.createDirectories(dir.resolve("marker-" + text + "/etc")).getParent();
    Files.writeString(tree.resolve("etc/marker"), text + "\n");
    LayerBlob marker = LayerWriter.of().writeTree(tree, dir.resolve("marker-" + text + ".tar.gz"));
    for (Descriptor d : base.manifest().layers()) {
      store.mountBlob(to, d.digest(), base.ref());
    }
    store.pushBlob(to, marker);
    Map<String, String> all = new TreeMap<>(base.config().labels());
    all.putAll(labels);
    ImageConfig config = base.config().withLayer(marker.diffId(), new ImageConfig.History("", "marker", "", false))
        .withLabels(all);
    ImageAssembly.of(config, base.manifest()
        .withLayer(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, marker.digest(), marker.size())).layers()).pushTo(store, to);
    return store.read(to);
  }
}
