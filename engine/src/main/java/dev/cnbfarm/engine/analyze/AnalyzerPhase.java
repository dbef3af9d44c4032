package dev.cnbfarm.engine.analyze;

import dev.cnbfarm.engine.PlatformFiles;
import dev.cnbfarm.image.layer.InvalidLayerEntryException;
import dev.cnbfarm.image.layer.LayerReader;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.InvalidImageRefException;
import dev.cnbfarm.image.ref.RegistryRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageNotFoundException;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.ImageStoreException;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.lifecycle.buildpack.Target;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.LayersMetadata;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The analyzer phase (platform.md "analyzer"; the reference's {@code phase/analyzer.go}): reads the
 * previous app image's {@code io.buildpacks.lifecycle.metadata} label into analyzed.toml {@code
 * [metadata]} with {@code [image] reference} its digest reference, restores that image's launch
 * SBOM layer into {@code <layers>/sbom/launch} (unless {@code -skip-layers}), and pins the run image
 * with its target ({@code os}, {@code arch}, variant and the {@code io.buildpacks.base.distro.*}
 * labels) into {@code [run-image]}. A previous image that does not exist is not an error; only
 * manifests, configs and the SBOM layer are read. Failures exit 32. Stateless apart from its ports.
 */
public final class AnalyzerPhase {
  static final String DISTRO_NAME = "io.buildpacks.base.distro.name";
  static final String DISTRO_VERSION = "io.buildpacks.base.distro.version";

  private final ImageStore store;
  private final PlatformFiles files;
  private final Reporter reporter;

  public AnalyzerPhase(ImageStore store, PlatformFiles files, Reporter reporter) {
    this.store = store;
    this.files = files;
    this.reporter = reporter;
  }

  /** Analyzes and writes analyzed.toml; returns what it wrote. */
  public Analyzed run(AnalyzeInputs in) {
    checkSameRegistry(in);
    Analyzed analyzed = Analyzed.empty();
    ImageRef previousRef = in.previousImage().orElse(in.output());
    Optional<PreviousAppImage> previous = PreviousAppImage.find(store, previousRef, reporter);
    if (previous.isPresent()) {
      Optional<String> sbom = previous.get().metadata().sbomLayer();
      if (!in.skipLayers() && sbom.isPresent()) {
        restoreSbom(previous.get().image(), sbom.get(), in);
      }
      analyzed = previous.get().into(analyzed);
    } else {
      analyzed = analyzed.withPreviousImage("", LayersMetadata.EMPTY);
    }

    in.cacheImage().ifPresent(cache -> find(cache, "cache image"));
    String runName = in.runImage().orElseGet(() -> fromRunToml(in));
    ImageRef runRef = parse(runName, "run image");
    Image run = find(runRef, "run image").orElseThrow(() -> new LifecycleException(FailureCode.ANALYZE_ERROR,
        "run image " + runName + " not found"));
    String os = run.config().platform().os();
    if (os.isEmpty()) {
      throw new LifecycleException(FailureCode.ANALYZE_ERROR, "failed to find OS in run image config of " + runName);
    }
    Map<String, String> labels = run.config().labels();
    List<Target.Distro> distros = new ArrayList<>();
    if (!labels.getOrDefault(DISTRO_NAME, "").isEmpty()) {
      distros.add(new Target.Distro(labels.get(DISTRO_NAME), labels.getOrDefault(DISTRO_VERSION, "")));
    }
    Platform platform = run.config().platform();
    analyzed = analyzed.withRunImage(run.pinnedRef().toString(), runName,
        new Target(os, platform.architecture(), platform.variant(), distros));
    files.writeAnalyzed(analyzed);
    return analyzed;
  }

  /** The image, or empty when it does not exist (the reference: "Image with name ... not found"). */
  private Optional<Image> find(ImageRef ref, String what) {
    try {
      return Optional.of(store.read(ref));
    } catch (ImageNotFoundException e) {
      reporter.info("Image with name \"" + ref + "\" not found");
      return Optional.empty();
    } catch (ImageStoreException e) {
      throw new LifecycleException(FailureCode.ANALYZE_ERROR, "cannot read the " + what + " " + ref + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * The reference's {@code RestoreSBOMLayer}: the layer whose diffID is {@code sha} is unpacked,
   * and its {@code /layers/sbom/launch} tree replaces {@code <layers>/sbom/launch}. A label naming a
   * layer the image lacks is an error, as the reference's {@code GetLayer}.
   */
  private void restoreSbom(Image image, String sha, AnalyzeInputs in) {
    reporter.info("Restoring data for SBOM from previous image");
    List<Digest> diffIds = image.config().diffIds();
    int index = -1;
    for (int i = 0; i < diffIds.size(); i++) {
      if (diffIds.get(i).value().equals(sha)) {
        index = i;
      }
    }
    if (index < 0 || index >= image.manifest().layers().size()) {
      throw new LifecycleException(FailureCode.ANALYZE_ERROR, "retrieving launch SBOM layer: previous image "
          + image.pinnedRef() + " has no layer with diffID " + sha);
    }
    Descriptor blob = image.manifest().layers().get(index);
    reporter.debug("Retrieving previous image SBOM layer for \"" + sha + "\"");
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory("cnbfarm-sbom-");
      Path tar = scratch.resolve("layer");
      try (var out = Files.newOutputStream(tar)) {
        store.pullBlob(image.pinnedRef(), blob, out);
      }
      Path root = scratch.resolve("root");
      try (InputStream layer = Files.newInputStream(tar)) {
        LayerReader.of(LayerReader.WhiteoutMode.APPLY).unpack(layer, root);
      }
      Path launch = root.resolve("layers").resolve("sbom").resolve("launch");
      Path target = in.layers().resolve("sbom").resolve("launch");
      FileTrees.deleteRecursively(target);
      if (Files.isDirectory(launch, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(target.getParent());
        copyTree(launch, target, in);
      }
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.ANALYZE_ERROR, "retrieving launch SBOM layer: " + e.getMessage(), e);
    } catch (ImageStoreException | UncheckedIOException | InvalidLayerEntryException e) {
      throw new LifecycleException(FailureCode.ANALYZE_ERROR, "retrieving launch SBOM layer of " + image.pinnedRef()
          + ": " + e.getMessage(), e);
    } finally {
      if (scratch != null) {
        FileTrees.deleteQuietly(scratch);
      }
    }
  }

  /** Copies regular files and directories (nothing else is an SBOM), owned by {@code -uid}/{@code -gid} when given. */
  private static void copyTree(Path from, Path to, AnalyzeInputs in) throws IOException {
    List<Path> all;
    try (Stream<Path> walk = Files.walk(from)) {
      all = walk.toList();
    }
    for (Path p : all) {
      Path dest = to.resolve(from.relativize(p).toString());
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(dest);
      } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
      } else {
        continue;
      }
      if (in.uid().isPresent() && in.gid().isPresent()) {
        Files.setAttribute(dest, "unix:uid", in.uid().getAsInt(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(dest, "unix:gid", in.gid().getAsInt(), LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  /**
   * run.toml's first image, or its first mirror in the output image's registry (the reference's
   * {@code BestRunImageMirrorFor}, without its access checks).
   */
  private static String fromRunToml(AnalyzeInputs in) {
    RunMetadata run = RunMetadata.read(in.run());
    if (run.images().isEmpty() || run.images().get(0).image().isBlank()) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "-run-image is required when there is no run metadata ("
          + in.run() + " names no run image)");
    }
    RunMetadata.RunImage first = run.images().get(0);
    if (in.output() instanceof RegistryRef out) {
      List<String> names = new ArrayList<>(List.of(first.image()));
      names.addAll(first.mirrors());
      for (String name : names) {
        if (parse(name, "run image") instanceof RegistryRef r && r.registry().equals(out.registry())) {
          return name;
        }
      }
    }
    return first.image();
  }

  /** The reference: "writing to multiple registries is unsupported". */
  private static void checkSameRegistry(AnalyzeInputs in) {
    List<ImageRef> all = new ArrayList<>(List.of(in.output()));
    all.addAll(in.tags());
    long registries = all.stream().map(r -> r instanceof RegistryRef rr ? rr.registry() : "oci:").distinct().count();
    if (registries > 1) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "writing to multiple registries is unsupported: " + all);
    }
  }

  private static ImageRef parse(String text, String what) {
    try {
      return ImageRef.parse(text);
    } catch (InvalidImageRefException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "bad " + what + " reference '" + text + "': "
          + e.getMessage(), e);
    }
  }
}
