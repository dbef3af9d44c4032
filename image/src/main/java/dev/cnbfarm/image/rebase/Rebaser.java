package dev.cnbfarm.image.rebase;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.InvalidImageRefException;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageAssembly;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.ImageNotFoundException;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.ImageStoreUnauthorizedException;
import dev.cnbfarm.image.store.Manifest;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import dev.cnbfarm.lifecycle.export.RunImageMetadata;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The rebaser (platform.md "rebaser", extensions.md §4.4, §8.5): puts an app image on another run
 * image by rewriting its manifest and config only. The layers up to and including {@code
 * runImage.topLayer} are swapped for the new run image's; extension and buildpack layers above the
 * seam stay. Layers are mounted (or found already present), never downloaded or uploaded.
 * Refusals are {@link FailureCode#REBASE_ERROR} (exit 72). Stateless apart from its store;
 * thread-safe if the store is.
 */
public final class Rebaser {
  public static final String REBASABLE = "io.buildpacks.rebasable";

  private final ImageStore store;
  private final Reporter reporter;

  public Rebaser(ImageStore store, Reporter reporter) {
    this.store = Objects.requireNonNull(store, "store");
    this.reporter = Objects.requireNonNull(reporter, "reporter");
  }

  /** Rebases {@code req.appImage()} and writes it to every target. */
  public RebaseResult rebase(RebaseRequest req) {
    Image app = store.read(req.appImage());
    String lifecycleLabel = app.config().labels().get(LifecycleMetadata.LABEL);
    RunImageMetadata old = checkedMetadata(req, app, lifecycleLabel);
    RunImageMetadata target = targetRunImage(req, old);
    ImageRef newRunRef = req.runImage().orElseGet(() -> ImageRef.parse(old.image()));
    Image newRun = store.read(newRunRef, platformOf(app));
    checkPlatform(app, newRun, req.force());
    reporter.info("Rebasing " + req.appImage() + " on run image " + newRun.pinnedRef());

    Optional<Image> oldBase = readOldBase(old.reference());
    RebaseSeam seam = RebaseSeam.find(app, old.topLayer(), oldBase);
    warnIfAmbiguous(req, app, old, oldBase);
    int kept = app.manifest().layers().size() - seam.layerCount();
    if (oldBase.isPresent() && oldBase.get().manifestDigest().equals(newRun.manifestDigest()) && target.equals(old)
        && Digest.of(app.config().toJson()).equals(app.manifest().config().digest())) {
      reporter.info("app image already sits on " + newRun.pinnedRef() + "; nothing to rebase");
      push(req, app, newRun, app.manifest(), app.config().toJson(), seam.layerCount(), true);
      Image same = new Image(req.appImage().withoutDigest(), app.manifestDigest(), app.manifest(), app.config());
      return new RebaseResult(same, newRun.pinnedRef(), 0, kept, true, req.targets());
    }

    RunImageMetadata next = new RunImageMetadata(topLayer(newRun), newRun.pinnedRef().toString(), target.image(),
        target.mirrors());
    ImageConfig config = RebasedConfig.of(app, newRun, seam, oldBase, next.writeInto(lifecycleLabel));
    List<Descriptor> layers = new ArrayList<>();
    newRun.manifest().layers().forEach(d -> layers.add(ImageAssembly.ociLayer(d)));
    app.manifest().layers().subList(seam.layerCount(), app.manifest().layers().size())
        .forEach(d -> layers.add(ImageAssembly.ociLayer(d)));
    ImageAssembly assembly = ImageAssembly.of(config, layers);
    Digest digest = push(req, app, newRun, assembly.manifest(), assembly.configJson(),
        newRun.manifest().layers().size(), false);
    Image rebased = assembly.image(req.appImage().withoutDigest());
    return new RebaseResult(rebased, newRun.pinnedRef(), seam.layerCount(), kept, false, req.targets());
  }

  /** The app's run image metadata, once it is known to be an app image that may be rebased. */
  private static RunImageMetadata checkedMetadata(RebaseRequest req, Image app, String lifecycleLabel) {
    if (lifecycleLabel == null || lifecycleLabel.isBlank()) {
      throw fail("image " + req.appImage() + " is not a buildpacks app image: it has no label " + LifecycleMetadata.LABEL);
    }
    RunImageMetadata old;
    try {
      old = RunImageMetadata.parse(lifecycleLabel);
    } catch (LifecycleException e) {
      throw fail(e.getMessage());
    }
    if ("false".equals(app.config().labels().get(REBASABLE)) && !req.force()) {
      throw fail("app image " + req.appImage() + " has label " + REBASABLE + "=false (its run image or an extension"
          + " marked it not safe to rebase); pass --force to rebase anyway");
    }
    return old;
  }

  private void warnIfAmbiguous(RebaseRequest req, Image app, RunImageMetadata old, Optional<Image> oldBase) {
    long occurrences = app.config().diffIds().stream().filter(d -> d.value().equals(old.topLayer())).count();
    if (oldBase.isEmpty() && occurrences > 1) {
      reporter.warn("runImage.topLayer " + old.topLayer() + " occurs " + occurrences + " times in " + req.appImage()
          + " and the original run image " + old.reference() + " is not readable; taking the first as the seam");
    }
  }

  /** The run image name and mirrors the rebased image records (extensions.md §8.5). */
  private static RunImageMetadata targetRunImage(RebaseRequest req, RunImageMetadata old) {
    if (req.runImage().isEmpty()) {
      if (old.image().isEmpty()) {
        throw fail("app image " + req.appImage() + " records no runImage.image; pass --run-image <image>");
      }
      return old;
    }
    ImageRef given = req.runImage().get();
    String name = given.withoutDigest().toString();
    if (old.names(name) || old.names(given.toString()) || old.names(withoutTag(given))) {
      return old;
    }
    if (!req.force()) {
      throw fail("run image " + given + " is neither the app image's run image '" + old.image() + "' nor one of its"
          + " mirrors " + old.mirrors() + "; pass --force to rebase onto it (runImage.image becomes it, mirrors are dropped)");
    }
    return new RunImageMetadata(old.topLayer(), old.reference(), withoutTag(given), List.of());
  }

  private static String withoutTag(ImageRef ref) {
    String s = ref.withoutDigest().toString();
    int slash = s.lastIndexOf('/');
    int colon = s.lastIndexOf(':');
    return ref instanceof LayoutRef || colon <= slash ? s : s.substring(0, colon);
  }

  private static Platform platformOf(Image app) {
    Platform p = app.config().platform();
    return p.os().isEmpty() || p.architecture().isEmpty() ? Platform.LINUX_AMD64 : p;
  }

  private static void checkPlatform(Image app, Image newRun, boolean force) {
    Platform was = app.config().platform();
    Platform now = newRun.config().platform();
    if (!was.equals(now) && !force) {
      throw fail("run image " + newRun.ref() + " is for " + now + " but the app image is for " + was
          + "; pass --force to rebase anyway (the new run image's target data is then used)");
    }
  }

  private Optional<Image> readOldBase(String reference) {
    if (reference.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(store.read(ImageRef.parse(reference)));
    } catch (ImageNotFoundException | ImageStoreUnauthorizedException | InvalidImageRefException e) {
      reporter.debug("original run image " + reference + " is not readable (" + e.getMessage()
          + "); the seam is the first layer with runImage.topLayer");
      return Optional.empty();
    }
  }

  /** Makes every layer present in each target (new base layers from the run image, the rest from the app) and pushes. */
  private Digest push(RebaseRequest req, Image app, Image newRun, Manifest manifest, byte[] config, int baseLayers,
      boolean unchanged) {
    Digest expected = Digest.of(manifest.toJson());
    for (ImageRef target : req.targets()) {
      if (unchanged && target.equals(req.appImage())) {
        continue;
      }
      List<Descriptor> layers = manifest.layers();
      for (int i = 0; i < layers.size(); i++) {
        mount(target, layers.get(i).digest(), i < baseLayers ? newRun.ref() : app.ref());
      }
      Digest pushed = store.pushManifest(target, manifest, config);
      if (!pushed.equals(expected)) {
        throw new IllegalStateException("store answered manifest digest " + pushed + " for " + target
            + ", expected " + expected);
      }
      reporter.info("*** Images (" + expected.hex().substring(0, 12) + "):\n      " + target);
    }
    return expected;
  }

  private void mount(ImageRef target, Digest digest, ImageRef from) {
    if ((target instanceof LayoutRef) == (from instanceof LayoutRef)) {
      store.mountBlob(target, digest, from);
    } else if (!store.hasBlob(target, digest)) {
      throw fail("layer " + digest + " of " + from + " is not in " + target + "; rebase is metadata-only and does not"
          + " copy layers between an oci: layout and a registry");
    }
  }

  private static String topLayer(Image run) {
    List<Digest> ids = run.config().diffIds();
    return ids.isEmpty() ? "" : ids.get(ids.size() - 1).value();
  }

  private static LifecycleException fail(String message) {
    return new LifecycleException(FailureCode.REBASE_ERROR, message);
  }
}
