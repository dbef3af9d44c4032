package dev.cnbfarm.engine.restore;

import dev.cnbfarm.engine.PlatformFiles;
import dev.cnbfarm.image.cache.BuildCache;
import dev.cnbfarm.image.cache.CacheReadException;
import dev.cnbfarm.image.cache.RestoredLayers;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.InvalidImageRefException;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.ImageStoreException;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.lifecycle.api.SupportedApis;
import dev.cnbfarm.lifecycle.cache.CacheMetadata;
import dev.cnbfarm.lifecycle.export.LayerTomls;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.report.Reporter;
import dev.cnbfarm.lifecycle.toml.Toml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The restorer phase (platform.md "restorer"; the reference's {@code cmd/lifecycle/restorer.go}
 * and {@code phase/restorer.go}): pins {@code -build-image} into analyzed.toml and, for an extended
 * run image (or a switched one without a target), pins the run image with its target, as the
 * extender needs; restores {@code store.toml} and the layer tomls ({@link LayerMetadataRestorer});
 * then, for every layer the cache metadata marks {@code cache = true} and that has a toml, restores
 * its contents from the cache when the diffID its toml stands for is the cache's, or removes the
 * layer ("wrong sha"). Layer contents come only from the cache. Failures exit 42. Stateless apart
 * from its ports.
 */
public final class RestorerPhase {
  private final ImageStore store;
  private final PlatformFiles files;
  private final Reporter reporter;

  public RestorerPhase(ImageStore store, PlatformFiles files, Reporter reporter) {
    this.store = store;
    this.files = files;
    this.reporter = reporter;
  }

  /** Restores into {@code in.layers()} from {@code cache} (none: metadata of launch layers only). */
  public void run(RestoreInputs in, Optional<BuildCache> cache) {
    Group group = files.readGroup();
    for (GroupEntry bp : group.buildpacks()) {
      SupportedApis.buildpack(bp.api(), bp.toString());
    }
    Analyzed analyzed = files.readAnalyzed();
    Analyzed updated = pinImages(in, analyzed, group);
    if (!updated.toToml().equals(analyzed.toToml())) {
      files.writeAnalyzed(updated);
    }
    CacheMetadata cached = CacheMetadata.empty();
    if (cache.isPresent()) {
      if (!cache.get().exists()) {
        reporter.info("Layer cache not found");
      }
      cached = cache.get().metadata();
    } else {
      reporter.debug("Usable cache not provided, using empty cache metadata");
    }
    RestoredFiles out = new RestoredFiles(in.layers(), in.uid(), in.gid());
    restoreStores(group, updated, in.layers(), out);
    if (in.skipLayers()) {
      reporter.info("Skipping buildpack layer analysis");
      return;
    }
    RestoredLayers.clear(in.layers());
    Map<String, String> shas = new LayerMetadataRestorer(reporter, out)
        .restore(group.buildpacks(), updated.previousLayers(), cached, in.layers(), in.platformApi());
    for (GroupEntry bp : group.buildpacks()) {
      restoreContents(bp, cached.layersOf(bp.id()), shas, in.layers(), cache);
    }
  }

  private void restoreStores(Group group, Analyzed analyzed, Path layersDir, RestoredFiles out) {
    for (GroupEntry bp : group.buildpacks()) {
      analyzed.previousStore(bp.id()).ifPresent(store -> out.write(
          LayerTomls.buildpackDir(layersDir, bp.id()).resolve("store.toml"), Toml.format(Map.of("metadata", store))));
    }
  }

  private void restoreContents(GroupEntry bp, Map<String, LifecycleMetadata.LayerMetadata> cached,
      Map<String, String> shas, Path layersDir, Optional<BuildCache> cache) {
    Path dir = LayerTomls.buildpackDir(layersDir, bp.id());
    for (String name : layerNames(dir)) {
      LifecycleMetadata.LayerMetadata inCache = cached.get(name);
      if (inCache == null || !inCache.cache()) {
        continue;
      }
      String id = bp.id() + ":" + name;
      String sha = shas.getOrDefault(id, "");
      if (!sha.equals(inCache.sha()) || cache.isEmpty()) {
        reporter.info("Removing \"" + id + "\", wrong sha");
        reporter.debug("Layer sha: \"" + sha + "\", cache sha: \"" + inCache.sha() + "\"");
        remove(dir, name);
        continue;
      }
      reporter.info("Restoring data for \"" + id + "\" from cache");
      try {
        cache.get().restore(Digest.parse(inCache.sha()), layersDir, LayerTomls.escape(bp.id()), name);
      } catch (CacheReadException | IllegalArgumentException e) {
        reporter.warn("Skipping restore for layer " + id + ": " + e.getMessage());
      }
    }
  }

  /** The layers of a buildpack dir: its subdirs and its {@code <name>.toml}s (not launch, build, store). */
  private static List<String> layerNames(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    TreeSet<String> names = new TreeSet<>();
    try (Stream<Path> entries = Files.list(dir)) {
      entries.forEach(p -> {
        String f = p.getFileName().toString();
        if (Files.isDirectory(p)) {
          names.add(f);
        } else if (f.endsWith(".toml") && !List.of("launch.toml", "build.toml", "store.toml").contains(f)) {
          names.add(f.substring(0, f.length() - ".toml".length()));
        }
      });
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.RESTORE_ERROR, "cannot read " + dir + ": " + e.getMessage(), e);
    }
    return List.copyOf(names);
  }

  private static void remove(Path dir, String name) {
    try {
      FileTrees.deleteRecursively(dir.resolve(name));
      Files.deleteIfExists(dir.resolve(name + ".sha"));
      Files.deleteIfExists(dir.resolve(name + ".toml"));
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.RESTORE_ERROR, "cannot remove layer " + dir.resolve(name) + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * {@code -build-image} to {@code [build-image] reference} by digest (Platform API 0.10+); an
   * extended run image (0.12+), or one without a target in a group with extensions, pinned with
   * its target: what the extender reads (extensions.md §6.2).
   */
  private Analyzed pinImages(RestoreInputs in, Analyzed analyzed, Group group) {
    Analyzed out = analyzed;
    if (in.platformApi().atLeast("0.10") && in.buildImage().isPresent()) {
      reporter.debug("Pulling builder image metadata for " + in.buildImage().get() + "...");
      out = out.withBuildImageReference(read(in.buildImage().get(), "build image").pinnedRef().toString());
    }
    boolean noTarget = out.runImageTarget().os().isEmpty();
    boolean pin = in.platformApi().atLeast("0.12") && out.runImageExtend()
        || in.platformApi().atLeast("0.10") && !group.extensions().isEmpty() && noTarget;
    Optional<String> run = out.runImageReference().or(out::runImageName);
    if (pin && run.isPresent()) {
      reporter.debug("Pulling run image metadata for " + run.get() + "...");
      Image image = read(run.get(), "run image");
      out = out.withRunImagePinned(image.pinnedRef().toString(), target(image));
    }
    return out;
  }

  private Image read(String name, String what) {
    try {
      return store.read(ImageRef.parse(name));
    } catch (InvalidImageRefException e) {
      throw new LifecycleException(FailureCode.RESTORE_ERROR, "bad " + what + " reference '" + name + "': "
          + e.getMessage(), e);
    } catch (ImageStoreException e) {
      throw new LifecycleException(FailureCode.RESTORE_ERROR, e.category(), "cannot read " + what + " " + name + ": "
          + e.getMessage(), e);
    }
  }

  /** {@code [run-image.target]} from the image: os, arch, variant and the distro labels. */
  private static Map<String, Object> target(Image image) {
    Map<String, Object> target = new LinkedHashMap<>();
    Platform platform = image.config().platform();
    target.put("os", platform.os());
    target.put("arch", platform.architecture());
    if (!platform.variant().isEmpty()) {
      target.put("arch-variant", platform.variant());
    }
    String distro = image.config().labels().getOrDefault("io.buildpacks.base.distro.name", "");
    if (!distro.isEmpty()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("name", distro);
      d.put("version", image.config().labels().getOrDefault("io.buildpacks.base.distro.version", ""));
      target.put("distro", d);
    }
    return target;
  }
}
