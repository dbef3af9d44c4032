package dev.cnbfarm.image.export;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.ref.RegistryRef;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The last step of an export (issue 7 item 3): makes every layer of an assembled app image
 * present in each target — run image layers by cross-repository mount (copied only between an
 * {@code oci:} layout and a registry, never pulled otherwise), published layers mounted from the
 * repository they were published to, extension layers uploaded from the sparse layout (or, pushed
 * by the pipeline's run role, mounted like run layers), a blob the target has never sent again —
 * then the config and the manifest, under each target's tag.
 * Stateless apart from its store; thread-safe if the store is.
 */
public final class AppImagePusher {
  private final ImageStore store;
  private final Reporter reporter;

  public AppImagePusher(ImageStore store, Reporter reporter) {
    this.store = Objects.requireNonNull(store, "store");
    this.reporter = Objects.requireNonNull(reporter, "reporter");
  }

  /** Pushes {@code image} to every target, the first one first; the others are extra tags. */
  public ExportResult push(AppImage image, List<ImageRef> targets) {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("at least one target image is needed");
    }
    Digest expected = image.assembly().digest();
    List<ExportResult.LayerOutcome> outcomes = new ArrayList<>();
    // a published layer reports how publishing got it into its repository once, for the first target there
    Set<String> reported = new HashSet<>();
    for (ImageRef target : targets) {
      for (AppLayer layer : image.layers()) {
        BlobPush.Outcome outcome = provide(target, layer, reported);
        outcomes.add(new ExportResult.LayerOutcome(target, layer.id(), layer.descriptor().digest(), outcome));
      }
      image.assembly().pushTo(store, target);
      reporter.info("*** Images (" + expected.hex().substring(0, 12) + "):\n      " + target);
    }
    reporter.debug("layers uploaded " + count(outcomes, BlobPush.Outcome.UPLOADED) + ", mounted "
        + count(outcomes, BlobPush.Outcome.MOUNTED) + ", already there " + count(outcomes, BlobPush.Outcome.EXISTED));
    return new ExportResult(image.assembly().image(targets.get(0).withoutDigest()), image.assembly().manifestSize(),
        targets, outcomes);
  }

  private BlobPush.Outcome provide(ImageRef target, AppLayer layer, Set<String> reported) {
    if (layer.source() instanceof AppLayer.RunImage run) {
      return store.mountOrCopyBlob(target, layer.descriptor(), run.repository()).outcome();
    }
    if (layer.source() instanceof AppLayer.Stored stored) {
      // the target's own repository answers EXISTED at its HEAD; another is mounted from
      return store.mountOrCopyBlob(target, layer.descriptor(), stored.repository()).outcome();
    }
    if (layer.source() instanceof AppLayer.Published published) {
      if (repository(target).equals(repository(published.repository())) && reported.add(layer.id())) {
        return published.outcome();
      }
      return store.mountOrCopyBlob(target, layer.descriptor(), published.repository()).outcome();
    }
    AppLayer.LocalFile file = (AppLayer.LocalFile) layer.source();
    return store.pushBlob(target, new LayerBlob(file.file(), layer.descriptor().digest(), layer.diffId(),
        layer.descriptor().size())).outcome();
  }

  /** The repository a reference names, without tag or digest. */
  private static String repository(ImageRef ref) {
    if (ref instanceof RegistryRef r) {
      return r.registry() + "/" + r.repository();
    }
    return "oci:" + ((LayoutRef) ref).directory().toAbsolutePath().normalize();
  }

  private static long count(List<ExportResult.LayerOutcome> outcomes, BlobPush.Outcome outcome) {
    return outcomes.stream().filter(o -> o.outcome() == outcome).count();
  }
}
