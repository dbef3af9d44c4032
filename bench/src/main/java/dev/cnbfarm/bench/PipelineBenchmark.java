package dev.cnbfarm.bench;

import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.runtime.broker.EmbeddedBroker;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * {@code scripts/bench pipeline}: the Kafka pipeline's figures (issue 9, "Benchmarks"): (a) the
 * one-shot {@code cnbfarm build} of the sample against its phases as one JVM each, (b) builds per
 * minute with 1 and N extend-build replicas when the build extension's RUN sleeps 2 s, (c) the
 * latency of one hop between workers, (d) the one-shot JVM's peak RSS. {@code -parts} picks
 * which run. What each part measures: the classes of the parts and docs/benchmarks.md. Stateless.
 */
public final class PipelineBenchmark {
  private final PrintStream out;

  public PipelineBenchmark(PrintStream out) {
    this.out = out;
  }

  public int run(String[] args) {
    BenchFlags flags = BenchFlags.parse(args, Set.of("runs", "builds", "replicas", "others", "partitions", "samples",
        "pace-ms", "parts", "dir"));
    int runs = positive(flags, "runs", "3");
    int builds = positive(flags, "builds", "40");
    int replicas = positive(flags, "replicas", "4");
    int others = positive(flags, "others", "4");
    int partitions = positive(flags, "partitions", "8");
    int samples = positive(flags, "samples", "1000");
    int paceMs = positive(flags, "pace-ms", "10");
    String parts = flags.values().getOrDefault("parts", "abcd");
    if (!parts.matches("[abcd]+")) {
      throw new BenchFlags.UsageException("-parts takes letters of abcd, not '" + parts + "'");
    }
    Path repo = repo();
    try {
      Path dir = flags.values().containsKey("dir") ? Path.of(flags.values().get("dir")).toAbsolutePath()
          : Files.createTempDirectory("cnbfarm-bench-pipeline-");
      Files.createDirectories(dir);
      out.printf(Locale.ROOT, "pipeline benchmark in %s: %d cores, load average %.1f at start (shared machine)%n",
          dir, Runtime.getRuntime().availableProcessors(),
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      OneShotVsPhases sample = new OneShotVsPhases(repo, dir, out);
      if (!parts.equals("c")) {
        sample.makeImages();
      }
      if (parts.contains("a") || parts.contains("d")) {
        oneShot(sample, runs, parts);
      }
      if (parts.contains("b") || parts.contains("c")) {
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
          if (parts.contains("b")) {
            throughput(new CliProcess(repo), dir, broker.bootstrap(), partitions, builds, replicas, others);
          }
          if (parts.contains("c")) {
            HopLatency.Result h = new HopLatency(broker.bootstrap(), partitions).run(samples, paceMs);
            Quantiles q = h.hops();
            out.printf(Locale.ROOT, "(c) hop latency, worker A's handler returns -> worker B's handler starts"
                + " (WorkerLoop, one event every %d ms, %d samples after %d warm-up): p50 %.2f ms, p99 %.2f ms,"
                + " max %.2f ms (target p99 < 50 ms: %s); %d over 50 ms%s%n", paceMs, q.count(), HopLatency.WARMUP,
                q.median(), q.percentile(99), q.max(), q.percentile(99) < 50 ? "met" : "MISSED", h.slow(),
                h.slow() == 0 ? "" : " (samples " + h.firstSlow() + " to " + h.lastSlow() + ")");
          }
        }
      }
      if (!flags.values().containsKey("dir")) {
        FileTrees.deleteRecursively(dir);
      }
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void oneShot(OneShotVsPhases sample, int runs, String parts) {
    out.printf("(a) the sample: one-shot cnbfarm build vs samples/demo's four lifecycle JVMs, %d runs each,"
        + " alternating, after a warm-up pair%n", runs);
    OneShotVsPhases.Result r = sample.run(runs);
    if (parts.contains("a")) {
      out.printf(Locale.ROOT, "(a) median one-shot %.2f s | median phases %.2f s | one-shot/phases %.2f"
          + " (target <= 1.0: %s)%n", r.oneShot().median(), r.phases().median(), r.ratio(),
          r.ratio() <= 1.0 ? "met" : "MISSED");
    }
    if (parts.contains("d")) {
      out.printf(Locale.ROOT, "(d) peak RSS (VmHWM) of the one-shot cnbfarm build JVM: %d MiB (max of %d runs);"
          + " largest single phase JVM: %d MiB%n", r.oneShotHwmKb() / 1024, runs, r.phasesMaxHwmKb() / 1024);
    }
  }

  private void throughput(CliProcess cli, Path dir, String bootstrap, int partitions, int builds, int replicas,
      int others) {
    String builder = SleepBuilder.create(cli, dir);
    ImageStore store = RoutingImageStore.withDefaults();
    BuildThroughput bench = new BuildThroughput(dir, store, builder, bootstrap, partitions);
    out.printf("(b) %d builds (build-image extension RUN sleeps 2 s) on %d partitions; detect, extend-run and export"
        + " with %d replicas each in both configurations%n", builds, partitions, others);
    BuildThroughput.Result one = bench.run(1, others, builds);
    report(one);
    BuildThroughput.Result many = bench.run(replicas, others, builds);
    report(many);
    double speedUp = many.perMinute() / one.perMinute();
    out.printf(Locale.ROOT, "(b) speed-up %d vs 1 extend-build replicas: %.2fx (target >= 3x: %s)%n", replicas,
        speedUp, speedUp >= 3 ? "met" : "MISSED");
  }

  private void report(BuildThroughput.Result r) {
    StringBuilder handlers = new StringBuilder();
    r.handleSeconds().forEach((phase, s) -> handlers.append(String.format(Locale.ROOT, " %s %.2f s,", phase, s)));
    out.printf(Locale.ROOT, "(b) %d extend-build replica(s): %d builds in %.1f s = %.1f builds/min | mean handler"
        + " time:%s export %.2f s | shortest detected->built %.2f s | builds per partition %s%n", r.buildReplicas(),
        r.builds(), r.seconds(), r.perMinute(), handlers, r.meanExport(), r.minExtendBuild(), r.perPartition());
  }

  static int positive(BenchFlags flags, String name, String fallback) {
    String v = flags.values().getOrDefault(name, fallback);
    try {
      int n = Integer.parseInt(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BenchFlags.UsageException("-" + name + " takes a positive number, not '" + v + "'");
  }

  /** The repository root: where bench/target/cnbfarm-bench.jar (or its classes dir) lives. */
  static Path repo() {
    try {
      Path code = Path.of(PipelineBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path root = code.getParent().getParent().getParent();
      if (Files.isDirectory(root.resolve("samples")) && Files.isDirectory(root.resolve("cli"))) {
        return root;
      }
    } catch (URISyntaxException | RuntimeException e) {
      // fall back to the working dir
    }
    return Path.of("").toAbsolutePath();
  }
}
