package dev.cnbfarm.image.export;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.image.dockerfile.SparseLayout;
import dev.cnbfarm.image.dockerfile.SparseLayoutReader;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerEntry;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.InvalidImageException;
import dev.cnbfarm.image.store.Manifest;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.lifecycle.build.Layer;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.export.LayerTomls;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import dev.cnbfarm.lifecycle.export.ProjectMetadataLabel;
import dev.cnbfarm.lifecycle.export.RunImageLabel;
import dev.cnbfarm.lifecycle.extend.ImageEnv;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The exporter (design.md §4 "Export is metadata-only", extensions.md §8): assembles the app
 * image from descriptors. Run image layers are mounted into the target repository, never
 * downloaded; extension layers are pushed from the sparse layout the run-kind extend left; then
 * one layer per buildpack launch layer, the app, the launcher and {@code /layers/config}. Blobs a
 * repository already has are not sent again. Layer tars, the config ({@code created} and history
 * fixed, labels sorted) and the manifest are reproducible, so the same inputs give the same
 * digest. Stateless apart from its store; thread-safe if the store is.
 */
public final class Exporter {
  /** The lifecycle's normalised time, used for {@code created} and every history entry. */
  public static final String CREATED = "1980-01-01T00:00:01Z";
  public static final String LAUNCHER_PATH = "/cnb/lifecycle/launcher";
  public static final String REBASABLE = "io.buildpacks.rebasable";

  private final ImageStore store;
  private final Reporter reporter;

  public Exporter(ImageStore store, Reporter reporter) {
    this.store = Objects.requireNonNull(store, "store");
    this.reporter = Objects.requireNonNull(reporter, "reporter");
  }

  /** A layer of the app image and where its blob comes from. */
  private record Planned(String id, Descriptor descriptor, Digest diffId, ImageRef mountFrom, LayerBlob blob) {}

  /**
   * Exports the app image to every target.
   *
   * @throws LifecycleException with {@link FailureCode#EXPORT_ERROR} for bad inputs (no run image
   *     reference, a process type or argument the launcher's process table cannot hold, a launch layer without its directory, a sparse layout that does not
   *     sit on the run image)
   */
  public ExportResult export(ExportRequest req) {
    // after an extension switched the run image, the detector leaves only its name (decisions.md #4)
    ImageRef runRef = ImageRef.parse(req.analyzed().runImageReference().or(req.analyzed()::runImageName)
        .orElseThrow(() -> new LifecycleException(FailureCode.EXPORT_ERROR,
            "analyzed.toml has no [run-image] reference or image")));
    Image base = store.read(runRef);
    reporter.debug("run image " + base.pinnedRef() + " has " + base.manifest().layers().size() + " layers");
    Path work = tempDir();
    try {
      return export(req, base, work);
    } finally {
      delete(work);
    }
  }

  private ExportResult export(ExportRequest req, Image base, Path work) {
    List<Planned> layers = new ArrayList<>();
    List<Descriptor> baseLayers = base.manifest().layers();
    List<Digest> baseDiffIds = base.config().diffIds();
    for (int i = 0; i < baseLayers.size(); i++) {
      layers.add(new Planned("run:" + i, oci(baseLayers.get(i)), baseDiffIds.get(i), base.ref(), null));
    }
    ImageConfig config = base.config();
    if (req.analyzed().runImageExtend()) {
      SparseLayout sparse = readSparse(req, base);
      for (int i = baseLayers.size(); i < sparse.manifest().layers().size(); i++) {
        Descriptor d = sparse.manifest().layers().get(i);
        Path file = sparse.blob(d.digest()).orElseThrow(() -> new LifecycleException(FailureCode.EXPORT_ERROR,
            "extended run image " + sparse.dir() + " lacks the blob of its extension layer " + d.digest()));
        Digest diffId = sparse.config().diffIds().get(i);
        layers.add(new Planned("extension:" + (i - baseLayers.size()), oci(d), diffId, null,
            new LayerBlob(file, d.digest(), diffId, d.size())));
      }
      config = sparse.config();
      Map<String, String> labels = config.labels();
      if (!labels.containsKey(REBASABLE)) {
        labels.put(REBASABLE, "false");
        config = config.withLabels(labels);
      }
    }
    int firstNew = layers.size();

    // The default writer skips the platform paths (/layers, /workspace...) that an extend step must
    // not capture; here those paths are exactly what is exported.
    LayerWriter writer = LayerWriter.of().ignoring(path -> false);
    List<LifecycleMetadata.BuildpackLayers> bpLayers = new ArrayList<>();
    for (GroupEntry bp : req.group().buildpacks()) {
      Map<String, LifecycleMetadata.LayerMetadata> exported = new LinkedHashMap<>();
      String escaped = LayerTomls.escape(bp.id());
      for (Layer layer : LayerTomls.read(LayerTomls.buildpackDir(req.layersDir(), bp.id()))) {
        if (!layer.launch()) {
          reporter.debug("not exporting " + bp.id() + ":" + layer.name() + " (not a launch layer)");
          continue;
        }
        if (!Files.isDirectory(layer.dir())) {
          throw new LifecycleException(FailureCode.EXPORT_ERROR, "launch layer " + layer.dir() + " of " + bp
              + " has a layer toml but no directory (reusing layers of a previous image is not supported)");
        }
        List<LayerEntry> entries = new ArrayList<>();
        entries.add(LayerEntry.directory("layers"));
        entries.add(new LayerEntry.Directory("layers/" + escaped, 0755, req.uid(), req.gid()));
        entries.addAll(OwnedTree.entries(layer.dir(), "layers/" + escaped + "/" + layer.name(), req.uid(), req.gid()));
        LayerBlob blob = writer.writeEntries(entries, work.resolve(layers.size() + ".tar.gz"));
        layers.add(planned(bp.id() + ":" + layer.name(), blob));
        exported.put(layer.name(), new LifecycleMetadata.LayerMetadata(blob.diffId().value(), layer.metadata(),
            layer.build(), layer.launch(), layer.cache()));
      }
      bpLayers.add(new LifecycleMetadata.BuildpackLayers(bp.id(), bp.version(), exported));
    }

    if (!Files.isDirectory(req.appDir())) {
      throw new LifecycleException(FailureCode.EXPORT_ERROR, "app dir " + req.appDir() + " does not exist");
    }
    LayerBlob app = writer.writeEntries(OwnedTree.entries(req.appDir(), "workspace", req.uid(), req.gid()),
        work.resolve("app.tar.gz"));
    layers.add(planned("app", app));
    // design.md §6: the builder's launcher when it ships one, else cnbfarm's sh launcher
    boolean ownLauncher = !Files.isRegularFile(req.launcherFile());
    LayerEntry launcherEntry = ownLauncher ? LayerEntry.file(LAUNCHER_PATH, ShellLauncher.script(), 0755)
        : LayerEntry.file(LAUNCHER_PATH, req.launcherFile(), 0755);
    reporter.info(ownLauncher ? "Using cnbfarm's sh launcher " + ShellLauncher.VERSION + " (no launcher at "
        + req.launcherFile() + "; the run image needs /bin/sh)" : "Using the launcher " + req.launcherFile());
    LayerBlob launcher = writer.writeEntries(List.of(LayerEntry.directory("cnb"), LayerEntry.directory("cnb/lifecycle"),
        launcherEntry), work.resolve("launcher.tar.gz"));
    layers.add(planned("launcher", launcher));
    Path metadataToml = req.layersDir().resolve("config").resolve("metadata.toml");
    BuildMetadataLabel buildLabel = BuildMetadataLabel.read(metadataToml,
        ownLauncher ? BuildMetadataLabel.Launcher.builtIn(ShellLauncher.NAME, ShellLauncher.VERSION) : req.launcher());
    List<LayerEntry> configEntries = new ArrayList<>(List.of(LayerEntry.directory("layers"),
        LayerEntry.directory("layers/config"), LayerEntry.file("layers/config/metadata.toml", metadataToml, 0644)));
    configEntries.addAll(ProcessTable.entries(metadataToml, req.group().buildpacks()));
    LayerBlob configLayer = writer.writeEntries(configEntries, work.resolve("config.tar.gz"));
    layers.add(planned("config", configLayer));

    boolean extensionsUsed = !req.group().extensions().isEmpty() || !buildLabel.extensions().isEmpty();
    String analyzedImage = req.analyzed().runImageName().orElse(base.ref().withoutDigest().toString());
    LifecycleMetadata lifecycleLabel = new LifecycleMetadata(List.of(app.diffId().value()),
        configLayer.diffId().value(), launcher.diffId().value(), bpLayers, new LifecycleMetadata.RunImage(
            baseDiffIds.isEmpty() ? "" : baseDiffIds.get(baseDiffIds.size() - 1).value(),
            base.pinnedRef().toString(), RunImageLabel.choose(req.run(), analyzedImage, extensionsUsed)));

    Map<String, String> labels = config.labels();
    buildLabel.labels().forEach(l -> labels.put(l.key(), l.value()));
    labels.put(LifecycleMetadata.LABEL, lifecycleLabel.toJson());
    labels.put(BuildMetadataLabel.LABEL, buildLabel.toJson());
    labels.put(ProjectMetadataLabel.LABEL, ProjectMetadataLabel.read(req.projectMetadata()));
    config = config.withEnv(env(config.env(), req.platformApi())).withEntrypoint(List.of(LAUNCHER_PATH))
        .withCmd(List.of()).withWorkingDir("/workspace").withLabels(labels).withCreated(CREATED);
    for (Planned p : layers.subList(firstNew, layers.size())) {
      config = config.withLayer(p.diffId(), new ImageConfig.History(CREATED, "cnbfarm exporter: " + p.id(), "", false));
    }
    byte[] configJson = config.toJson();
    Manifest manifest = Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(configJson), configJson.length),
        layers.stream().map(Planned::descriptor).toList());
    byte[] manifestJson = manifest.toJson();
    Digest expected = Digest.of(manifestJson);

    List<ExportResult.LayerOutcome> outcomes = new ArrayList<>();
    for (ImageRef target : req.targets()) {
      for (Planned p : layers) {
        BlobPush push = p.blob() != null ? store.pushBlob(target, p.blob()) : mount(target, p);
        outcomes.add(new ExportResult.LayerOutcome(target, p.id(), p.descriptor().digest(), push.outcome()));
      }
      Digest pushed = store.pushManifest(target, manifest, configJson);
      if (!pushed.equals(expected)) {
        throw new IllegalStateException("store answered manifest digest " + pushed + " for " + target
            + ", expected " + expected);
      }
      reporter.info("*** Images (" + expected.hex().substring(0, 12) + "):\n      " + target);
    }
    reporter.debug("layers uploaded " + count(outcomes, BlobPush.Outcome.UPLOADED) + ", mounted "
        + count(outcomes, BlobPush.Outcome.MOUNTED) + ", already there " + count(outcomes, BlobPush.Outcome.EXISTED));
    Image image = new Image(req.targets().get(0).withoutDigest(), expected, manifest, config);
    return new ExportResult(image, manifestJson.length, req.targets(), outcomes);
  }

  private SparseLayout readSparse(ExportRequest req, Image base) {
    SparseLayout sparse;
    try {
      sparse = new SparseLayoutReader().read(req.extendedDir());
    } catch (InvalidImageException e) {
      throw new LifecycleException(FailureCode.EXPORT_ERROR, e.getMessage(), e);
    }
    List<Descriptor> extended = sparse.manifest().layers();
    List<Descriptor> original = base.manifest().layers();
    boolean sitsOnBase = extended.size() >= original.size();
    for (int i = 0; sitsOnBase && i < original.size(); i++) {
      sitsOnBase = extended.get(i).digest().equals(original.get(i).digest());
    }
    if (!sitsOnBase) {
      throw new LifecycleException(FailureCode.EXPORT_ERROR, "extended run image " + sparse.dir()
          + " is not built on the run image " + base.pinnedRef());
    }
    return sparse;
  }

  /** A base layer: cross-repository mount in the same store; between a layout and a registry, a copy. */
  private BlobPush mount(ImageRef target, Planned p) {
    Digest digest = p.descriptor().digest();
    if ((target instanceof LayoutRef) == (p.mountFrom() instanceof LayoutRef)) {
      return store.mountBlob(target, digest, p.mountFrom());
    }
    if (store.hasBlob(target, digest)) {
      return new BlobPush(digest, p.descriptor().size(), BlobPush.Outcome.EXISTED);
    }
    try {
      Path tmp = Files.createTempFile("cnbfarm-export-", ".blob");
      try {
        try (OutputStream out = Files.newOutputStream(tmp)) {
          store.pullBlob(p.mountFrom(), p.descriptor(), out);
        }
        return store.pushBlob(target, new LayerBlob(tmp, digest, p.diffId(), p.descriptor().size()));
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + digest + " from " + p.mountFrom() + " to " + target, e);
    }
  }

  /** The base env with the CNB variables set (replaced in place, else appended) and PATH prefixed. */
  static List<String> env(List<String> base, String platformApi) {
    Map<String, String> env = ImageEnv.parse(base);
    env.put("CNB_LAYERS_DIR", "/layers");
    env.put("CNB_APP_DIR", "/workspace");
    env.put("CNB_PLATFORM_API", platformApi);
    String path = env.get("PATH");
    env.put("PATH", "/cnb/process:/cnb/lifecycle" + (path == null || path.isEmpty() ? "" : ":" + path));
    return ImageEnv.format(env);
  }

  /** Layer descriptors go into an OCI manifest: a Docker gzip layer is the same bytes as an OCI one. */
  private static Descriptor oci(Descriptor d) {
    String type = d.mediaType().equals(MediaTypes.DOCKER_LAYER_GZIP) ? MediaTypes.OCI_LAYER_GZIP : d.mediaType();
    return Descriptor.of(type, d.digest(), d.size());
  }

  private static Planned planned(String id, LayerBlob blob) {
    return new Planned(id, Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob.digest(), blob.size()), blob.diffId(), null,
        blob);
  }

  private static long count(List<ExportResult.LayerOutcome> outcomes, BlobPush.Outcome outcome) {
    return outcomes.stream().filter(o -> o.outcome() == outcome).count();
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("cnbfarm-export-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temp dir", e);
    }
  }

  private static void delete(Path dir) {
    try {
      FileTrees.deleteRecursively(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
