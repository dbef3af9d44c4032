package dev.cnbfarm.image.export;

import dev.cnbfarm.image.cache.RestoredLayers;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.layer.LayerEntry;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.lifecycle.build.Layer;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.export.LayerTomls;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import dev.cnbfarm.lifecycle.export.ProjectMetadataLabel;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.platform.LayersMetadata;
import dev.cnbfarm.lifecycle.report.Reporter;
import dev.cnbfarm.lifecycle.toml.Toml;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The build side of an export (issue 7 item 3): runs where {@code <layers>} and {@code <app>} are,
 * right after the build. Tars each launch layer (one left as {@code <layer>.toml} only is the
 * previous image's, mounted), the launch SBOMs ({@code <layers>/sbom/launch}), the app, the launcher and {@code /layers/config}
 * (reproducibly: fixed mtimes, one owner) and pushes them to the target repository (a blob it
 * already has is not sent again), and reads the layer tomls, {@code metadata.toml} and {@code
 * project-metadata.toml} for the labels. What it returns is all an export needs of the build.
 * Stateless apart from its store; thread-safe if the store is.
 */
public final class BuildPublisher {
  /** The id of the launch SBOM layer, as the reference exporter names it. */
  public static final String SBOM_LAYER = "buildpacksio/lifecycle:launch.sbom";

  private final ImageStore store;
  private final Reporter reporter;

  public BuildPublisher(ImageStore store, Reporter reporter) {
    this.store = Objects.requireNonNull(store, "store");
    this.reporter = Objects.requireNonNull(reporter, "reporter");
  }

  /**
   * Publishes the build output {@code req} names.
   *
   * @throws LifecycleException with {@link FailureCode#EXPORT_ERROR} for a launch layer without
   *     its directory, a missing app dir, or a process the launcher's process table cannot hold
   */
  public PublishedBuild publish(PublishRequest req) {
    Path work = tempDir();
    try {
      return publish(req, work);
    } finally {
      delete(work);
    }
  }

  private PublishedBuild publish(PublishRequest req, Path work) {
    // The default writer skips the platform paths (/layers, /workspace...) that an extend step must
    // not capture; here those paths are exactly what is exported.
    LayerWriter writer = LayerWriter.of().ignoring(path -> false);
    List<PublishedLayer> layers = new ArrayList<>();
    List<LifecycleMetadata.BuildpackLayers> bpLayers = new ArrayList<>();
    LayersMetadata previous = req.previous().metadata();
    for (GroupEntry bp : req.buildpacks()) {
      Map<String, LifecycleMetadata.LayerMetadata> exported = new LinkedHashMap<>();
      String escaped = LayerTomls.escape(bp.id());
      for (Layer layer : LayerTomls.read(LayerTomls.buildpackDir(req.layersDir(), bp.id()))) {
        if (!layer.launch()) {
          reporter.debug("not exporting " + bp.id() + ":" + layer.name() + " (not a launch layer)");
          continue;
        }
        String id = bp.id() + ":" + layer.name();
        Optional<LayersMetadata.Layer> before = previous.layer(bp.id(), layer.name());
        PublishedLayer published;
        if (Files.isDirectory(layer.dir())) {
          Optional<PublishedLayer> restored = unchangedSinceRestore(req, escaped, layer, id, before);
          if (restored.isPresent()) {
            published = restored.get();
          } else {
            LayerBlob blob = writer.writeEntries(BuildpackLayerTree.entries(escaped, layer.name(), layer.dir(),
                req.uid(), req.gid()), work.resolve(layers.size() + ".tar.gz"));
            published = pushOrMount(req, id, blob, before.map(LayersMetadata.Layer::sha));
          }
        } else {
          published = reuse(req, bp, layer, id, before);
        }
        layers.add(published);
        exported.put(layer.name(), new LifecycleMetadata.LayerMetadata(published.diffId().value(), layer.metadata(),
            layer.build(), layer.launch(), layer.cache()));
      }
      bpLayers.add(new LifecycleMetadata.BuildpackLayers(bp.id(), bp.version(), exported,
          store(LayerTomls.buildpackDir(req.layersDir(), bp.id()).resolve("store.toml"))));
    }
    // platform.md "exporter": the launch SBOMs the builder copied to <layers>/sbom/launch, one layer after the buildpacks'
    Path sbomLaunch = req.layersDir().resolve("sbom").resolve("launch");
    if (Files.isDirectory(sbomLaunch, LinkOption.NOFOLLOW_LINKS)) {
      List<LayerEntry> entries = new ArrayList<>(List.of(LayerEntry.directory("layers"),
          new LayerEntry.Directory("layers/sbom", 0755, req.uid(), req.gid())));
      entries.addAll(OwnedTree.entries(sbomLaunch, "layers/sbom/launch", req.uid(), req.gid()));
      LayerBlob blob = writer.writeEntries(entries, work.resolve("sbom.tar.gz"));
      layers.add(pushOrMount(req, SBOM_LAYER, blob, previous.sbomLayer()));
    }

    if (!Files.isDirectory(req.appDir())) {
      throw new LifecycleException(FailureCode.EXPORT_ERROR, "app dir " + req.appDir() + " does not exist");
    }
    PublishedLayer app = push(req, "app", writer.writeEntries(
        OwnedTree.entries(req.appDir(), "workspace", req.uid(), req.gid()), work.resolve("app.tar.gz")));
    // design.md §6: the builder's launcher when it ships one, else cnbfarm's sh launcher
    boolean ownLauncher = !Files.isRegularFile(req.launcherFile());
    LayerEntry launcherEntry = ownLauncher ? LayerEntry.file(Exporter.LAUNCHER_PATH, ShellLauncher.script(), 0755)
        : LayerEntry.file(Exporter.LAUNCHER_PATH, req.launcherFile(), 0755);
    reporter.info(ownLauncher ? "Using cnbfarm's sh launcher " + ShellLauncher.VERSION + " (no launcher at "
        + req.launcherFile() + "; the run image needs /bin/sh)" : "Using the launcher " + req.launcherFile());
    PublishedLayer launcher = push(req, "launcher", writer.writeEntries(List.of(LayerEntry.directory("cnb"),
        LayerEntry.directory("cnb/lifecycle"), launcherEntry), work.resolve("launcher.tar.gz")));
    Path metadataToml = req.layersDir().resolve("config").resolve("metadata.toml");
    BuildMetadataLabel buildLabel = BuildMetadataLabel.read(metadataToml,
        ownLauncher ? BuildMetadataLabel.Launcher.builtIn(ShellLauncher.NAME, ShellLauncher.VERSION) : req.launcher());
    List<LayerEntry> configEntries = new ArrayList<>(List.of(LayerEntry.directory("layers"),
        LayerEntry.directory("layers/config"), LayerEntry.file("layers/config/metadata.toml", metadataToml, 0644)));
    configEntries.addAll(ProcessTable.entries(metadataToml, req.buildpacks()));
    PublishedLayer config = push(req, "config", writer.writeEntries(configEntries, work.resolve("config.tar.gz")));
    return new PublishedBuild(req.repository(), layers, bpLayers, app, launcher, config, buildLabel,
        ProjectMetadataLabel.read(req.projectMetadata()));
  }

  /**
   * The {@code [metadata]} of a buildpack's {@code store.toml}; empty when it left none. A
   * malformed one, or a symlink, fails the export (the reference's exporter fails reading it too).
   */
  private static Map<String, Object> store(Path file) {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Map.of();
    }
    return Toml.readWritten(file, FailureCode.EXPORT_ERROR).table("metadata").map(TomlTable::asMap)
        .orElse(Map.of());
  }

  /**
   * A launch layer the buildpack left as {@code <layer>.toml} without its directory: the previous
   * image's layer, mounted into the target repository (found in place when it is already there),
   * never downloaded; the metadata is the toml's as the buildpack left it (buildpack.md "Reusing
   * layers"; the reference exporter's {@code addBuildpackLayers}).
   */
  private PublishedLayer reuse(PublishRequest req, GroupEntry bp, Layer layer, String id,
      Optional<LayersMetadata.Layer> before) {
    if (layer.cache()) {
      throw new LifecycleException(FailureCode.EXPORT_ERROR, "layer '" + id + "' is cache=true but has no contents ("
          + layer.dir() + " does not exist)");
    }
    if (before.isEmpty()) {
      throw new LifecycleException(FailureCode.EXPORT_ERROR, "cannot reuse '" + id + "', previous image has no "
          + "metadata for layer '" + id + "' (" + layer.dir() + " does not exist)");
    }
    String sha = before.get().sha();
    ImageRef from = req.previous().ref().orElseThrow(() -> new LifecycleException(FailureCode.EXPORT_ERROR,
        "cannot reuse '" + id + "': analyzed.toml names no previous image that can be read"));
    Descriptor blob = req.previous().blob(sha).orElseThrow(() -> new LifecycleException(FailureCode.EXPORT_ERROR,
        "cannot reuse '" + id + "': previous image " + from + " has no layer " + sha));
    reporter.info("Reusing layer '" + id + "'");
    reporter.debug("Layer '" + id + "' SHA: " + sha);
    return mountFromPrevious(req, id, blob, from, Digest.parse(sha));
  }

  /** The previous image's {@code blob} of layer {@code id}, mounted (or found, or copied) into the target repository. */
  private PublishedLayer mountFromPrevious(PublishRequest req, String id, Descriptor blob, ImageRef from,
      Digest diffId) {
    BlobPush pushed = store.mountOrCopyBlob(req.repository(), blob, from);
    return new PublishedLayer(id, Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob.digest(), blob.size()), diffId,
        pushed.outcome());
  }

  /**
   * A layer the restorer unpacked from the cache and nothing changed since ({@link
   * RestoredLayers}), whose diffID is the previous image's: "Reusing layer" and its blob mounted
   * from the previous image (found in place when the target has it), without tarring it again.
   * Empty when the layer changed, or the previous image does not hold that diffID (then it is tarred).
   */
  private Optional<PublishedLayer> unchangedSinceRestore(PublishRequest req, String escaped, Layer layer, String id,
      Optional<LayersMetadata.Layer> before) {
    Optional<Digest> diffId = RestoredLayers.unchanged(req.layersDir(), escaped, layer.name(), req.uid(), req.gid());
    Optional<ImageRef> from = req.previous().ref();
    if (diffId.isEmpty() || from.isEmpty() || before.isEmpty() || !before.get().sha().equals(diffId.get().value())) {
      return Optional.empty();
    }
    Optional<Descriptor> blob = req.previous().blob(diffId.get().value());
    if (blob.isEmpty()) {
      return Optional.empty();
    }
    reporter.info("Reusing layer '" + id + "'");
    reporter.debug("Layer '" + id + "' SHA: " + diffId.get() + " (unchanged since restored from the cache)");
    return Optional.of(mountFromPrevious(req, id, blob.get(), from.get(), diffId.get()));
  }

  /**
   * A re-created layer: "Reusing layer" when it equals the previous image's (same diffID), as the
   * reference prints it, and then its blob is mounted from the previous image (found in place when
   * the target already has it) rather than uploaded; else "Adding layer" and pushed.
   */
  private PublishedLayer pushOrMount(PublishRequest req, String id, LayerBlob blob, Optional<String> previousSha) {
    boolean same = previousSha.filter(blob.diffId().value()::equals).isPresent();
    reporter.info((same ? "Reusing" : "Adding") + " layer '" + id + "'");
    Optional<Descriptor> before = same ? req.previous().blob(blob.diffId().value())
        .filter(d -> d.digest().equals(blob.digest())) : Optional.empty();
    if (before.isEmpty() || req.previous().ref().isEmpty() || store.hasBlob(req.repository(), blob.digest())) {
      return push(req, id, blob);
    }
    delete(blob.file());
    return mountFromPrevious(req, id, before.get(), req.previous().ref().get(), blob.diffId());
  }

  private PublishedLayer push(PublishRequest req, String id, LayerBlob blob) {
    BlobPush pushed = store.pushBlob(req.repository(), blob);
    delete(blob.file());
    return new PublishedLayer(id, Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob.digest(), blob.size()), blob.diffId(),
        pushed.outcome());
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("cnbfarm-export-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temp dir", e);
    }
  }

  private static void delete(Path path) {
    try {
      FileTrees.deleteRecursively(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }
}
