package dev.cnbfarm.image.export;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.ref.RegistryRef;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.LogContext;
import dev.cnbfarm.lifecycle.failure.CancelledException;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
  /** How many layer blobs are got into a target at once (the reference's go-containerregistry writes 4). */
  static final int CONCURRENCY = 4;

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
      List<BlobPush.Outcome> provided = provideAll(target, image.layers(), reported);
      for (int i = 0; i < provided.size(); i++) {
        AppLayer layer = image.layers().get(i);
        outcomes.add(new ExportResult.LayerOutcome(target, layer.id(), layer.descriptor().digest(), provided.get(i)));
      }
      image.assembly().pushTo(store, target);
      reporter.info("*** Images (" + expected.hex().substring(0, 12) + "):\n      " + target);
    }
    reporter.debug("layers uploaded " + count(outcomes, BlobPush.Outcome.UPLOADED) + ", mounted "
        + count(outcomes, BlobPush.Outcome.MOUNTED) + ", already there " + count(outcomes, BlobPush.Outcome.EXISTED));
    return new ExportResult(image.assembly().image(targets.get(0).withoutDigest()), image.assembly().manifestSize(),
        targets, outcomes);
  }

  /**
   * Gets every layer's blob into {@code target}, {@link #CONCURRENCY} at a time (each is a HEAD
   * at least: sequential, a warm export of a 15-layer image over a 50 ms link waits most of a
   * second on them), in layer order in the result. The first failure is rethrown as it was.
   */
  private List<BlobPush.Outcome> provideAll(ImageRef target, List<AppLayer> layers, Set<String> reported) {
    // which published layer reports its publish outcome is decided up front, in layer order
    List<Boolean> reportsPublished = new ArrayList<>();
    for (AppLayer layer : layers) {
      reportsPublished.add(layer.source() instanceof AppLayer.Published p
          && repository(target).equals(repository(p.repository())) && reported.add(layer.id()));
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(CONCURRENCY, layers.size())), r -> {
      Thread t = new Thread(r, "cnbfarm-export-push");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<BlobPush.Outcome>> futures = new ArrayList<>();
      for (int i = 0; i < layers.size(); i++) {
        AppLayer layer = layers.get(i);
        boolean reports = reportsPublished.get(i);
        // the registry client's retry warnings keep the build's log context (buildId, phase...)
        futures.add(pool.submit(LogContext.carried(() -> provide(target, layer, reports))::get));
      }
      List<BlobPush.Outcome> out = new ArrayList<>();
      for (Future<BlobPush.Outcome> f : futures) {
        out.add(await(f));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static BlobPush.Outcome await(Future<BlobPush.Outcome> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancelledException("pushing the app image's layers", e);
    }
  }

  private BlobPush.Outcome provide(ImageRef target, AppLayer layer, boolean reportsPublished) {
    if (layer.source() instanceof AppLayer.RunImage run) {
      return store.mountOrCopyBlob(target, layer.descriptor(), run.repository()).outcome();
    }
    if (layer.source() instanceof AppLayer.Stored stored) {
      // the target's own repository answers EXISTED at its HEAD; another is mounted from
      return store.mountOrCopyBlob(target, layer.descriptor(), stored.repository()).outcome();
    }
    if (layer.source() instanceof AppLayer.Published published) {
      if (reportsPublished) {
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
