package dev.cnbfarm.bench;

import dev.cnbfarm.image.store.RegistryProcess;
import dev.cnbfarm.engine.extend.ExtendWorkspace;
import dev.cnbfarm.engine.extend.ExtenderPhase;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code scripts/bench extend}: the same 3-RUN Dockerfile applied to the same Debian base, pulled
 * from the same local registry, by cnbfarm's extender (in-process, {@code -kind run}) and by
 * {@code buildah bud --isolation chroot}, alternating, both with warm base caches and no layer
 * cache; then a fully cached second extend, and the peak RSS of a child JVM producing a 200 MB
 * layer. Every run is verified before its time counts. Prints medians.
 */
public final class ExtendBenchmark {
  static final long MIB = 1024 * 1024;
  private static final int BLOB_MB = 50;

  private final PrintStream out;

  public ExtendBenchmark(PrintStream out) {
    this.out = out;
  }

  public int run(String[] args) {
    BenchFlags flags = BenchFlags.parse(args, Set.of("cache", "runs", "rss-megabytes"));
    Path cache = Path.of(flags.values().getOrDefault("cache", defaultCacheDir()));
    int runs = Integer.parseInt(flags.values().getOrDefault("runs", "5"));
    int rssMegabytes = Integer.parseInt(flags.values().getOrDefault("rss-megabytes", "200"));
    Path work = cache.resolve("work");
    try {
      BenchPrerequisites.ensure(out, cache.resolve("logs"));
      DebianBase debian = new DebianBase(cache, out);
      debian.layoutImage();
      try (RegistryProcess registry = RegistryProcess.start(cache.resolve("registry"))) {
        out.printf("registry: docker-registry pid %d on %s (storage %s)%n", registry.pid(), registry.host(),
            cache.resolve("registry/data"));
        ImageStore store = RoutingImageStore.withDefaults();
        ImageRef ref = ImageRef.parse(registry.host() + "/bench/debian:bookworm");
        Image base = debian.pushTo(store, ref);
        out.printf("base: %s (%s, %d layer(s))%n", ref, base.manifestDigest(), base.manifest().layers().size());
        DebianBase.delete(work);
        measure(store, ref, work, cache, runs, rssMegabytes);
      } finally {
        DebianBase.delete(work);
      }
      return 0;
    } catch (LifecycleException e) {
      out.println("ERROR: " + e.getMessage());
      return e.code().exitCode();
    } catch (RuntimeException e) {
      out.println("ERROR: " + e);
      return 1;
    }
  }

  private void measure(ImageStore store, ImageRef ref, Path work, Path cache, int runs, int rssMegabytes) {
    ExtendWorkspace workspace = new ExtendWorkspace(work.resolve("ws"));
    ExtendFixture fx = new ExtendFixture(work.resolve("layers"), ref, ExtendFixture.dockerfile(BLOB_MB, true));
    Path context = mkdirs(work.resolve("buildah-context"));
    BuildahBud buildah = new BuildahBud(cache, cache.resolve("logs"));
    buildah.clean();
    buildah.pull(ref.toString());
    out.printf("Dockerfile (%s):%n%s", fx.dockerfilePath(), read(fx.dockerfilePath()));
    String loadBefore = loadAverage();
    out.println("load average before the timed runs: " + loadBefore);
    out.println("warm-up (untimed): one extend per tool, verified; warms cnbfarm's rootfs cache and buildah's storage");
    cnbfarm(fx, store, workspace, work);
    buildahOnce(buildah, fx, context, ref);
    List<CnbSample> cnb = new ArrayList<>();
    List<Double> bud = new ArrayList<>();
    for (int i = 1; i <= runs; i++) {
      CnbSample c = cnbfarm(fx, store, workspace, work);
      cnb.add(c);
      out.printf("run %d: cnbfarm %6.2f s (before steps %.2f, RUN steps %s, sparse layout %.2f; layers re-written "
          + "in %.2f: %s)%n", i, c.wall, c.beforeSteps, ExtendReport.stepMedians(List.of(c)), c.layout, c.rewrite,
          c.layers);
      double b = buildahOnce(buildah, fx, context, ref);
      bud.add(b);
      out.printf("run %d: buildah %6.2f s%n", i, b);
    }
    double cnbMedian = median(cnb.stream().map(CnbSample::wall).toList());
    double budMedian = median(bud);
    CachedExtend cached = cachedSecondExtend(fx, store, workspace);
    RssProbe.Result rss = RssProbe.runChild(cache, ref, rssMegabytes, cache.resolve("logs"));
    new ExtendReport(out).print(runs, cnb, cnbMedian, budMedian, cached, rss);
    out.println("load average (1/5/15 min) before: " + loadBefore + " | after: " + loadAverage()
        + " (anything else on the machine skews both sides)");
  }

  private CnbSample cnbfarm(ExtendFixture fx, ImageStore store, ExtendWorkspace workspace, Path work) {
    StepClock clock = new StepClock();
    long start = System.nanoTime();
    ExtenderPhase.Outcome o;
    try {
      o = fx.extend(store, workspace, "0s", clock);
    } catch (RuntimeException e) {
      out.println("cnbfarm extender output:\n" + clock.recentLines());
      throw e;
    }
    double wall = (System.nanoTime() - start) / 1e9;
    ExtendCheck.verify(o, 3, 0, true, BLOB_MB * MIB);
    ExtendCheck.Rewrite rewrite = ExtendCheck.rewriteLayers(o, work);
    return new CnbSample(wall, clock.beforeSteps(), clock.runSteps(), clock.layoutWrite(), rewrite.seconds(),
        rewrite.detail());
  }

  private double buildahOnce(BuildahBud buildah, ExtendFixture fx, Path context, ImageRef ref) {
    long nanos = buildah.bud(fx.dockerfilePath(), context, ref.toString());
    buildah.verify(BLOB_MB * MIB);
    buildah.clean();
    return nanos / 1e9;
  }

  /** A persistent layer cache: one extend fills it, an identical second one must run nothing. */
  private CachedExtend cachedSecondExtend(ExtendFixture fx, ImageStore store, ExtendWorkspace workspace) {
    DebianBase.delete(workspace.localLayerCache());
    ExtenderPhase.Outcome fill = fx.extend(store, workspace, "336h", new StepClock());
    ExtendCheck.verify(fill, 3, 0, true, BLOB_MB * MIB);
    long start = System.nanoTime();
    ExtenderPhase.Outcome second = fx.extend(store, workspace, "336h", new StepClock());
    double wall = (System.nanoTime() - start) / 1e9;
    ExtendCheck.verify(second, 0, 3, true, BLOB_MB * MIB);
    return new CachedExtend(wall, second.runsExecuted(), second.cacheHits());
  }

  record CnbSample(double wall, double beforeSteps, List<Double> steps, double layout, double rewrite,
      String layers) {}

  record CachedExtend(double wall, int runsExecuted, int cacheHits) {}

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  static String defaultCacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("cnbfarm/bench").toString();
  }

  /** The first three fields of /proc/loadavg. */
  private static String loadAverage() {
    String[] f = read(Path.of("/proc/loadavg")).split("\\s+");
    return f[0] + " " + f[1] + " " + f[2];
  }

  private static Path mkdirs(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
