package dev.cnbfarm.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.stream.Collectors;

/** The figures block of {@code bench extend}, with its targets and what each side's time includes. */
final class ExtendReport {
  private final PrintStream out;

  ExtendReport(PrintStream out) {
    this.out = out;
  }

  void print(int runs, List<ExtendBenchmark.CnbSample> cnb, double cnbMedian, double budMedian,
      ExtendBenchmark.CachedExtend cached, RssProbe.Result rss) {
    double ratio = cnbMedian / budMedian;
    out.println();
    out.println("== extend benchmark: " + runs + " runs each, alternating, " + Runtime.getRuntime().availableProcessors()
        + " cores ==");
    out.printf("cnbfarm extender (in-process, -kind run)  median %6.2f s%n", cnbMedian);
    out.printf("buildah bud --isolation chroot            median %6.2f s%n", budMedian);
    out.printf("ratio cnbfarm/buildah                     %6.2f   (target <= 0.70: %s)%n", ratio, verdict(ratio <= 0.7));
    out.printf("  cnbfarm breakdown (medians): before steps %.2f s | RUN steps %s s | sparse layout %.2f s%n",
        med(cnb, s -> s.beforeSteps()), stepMedians(cnb), med(cnb, s -> s.layout()));
    out.printf("  of which writing the 3 layer blobs (re-measured from their dirs with the same writer): %.2f s%n",
        med(cnb, s -> s.rewrite()));
    out.println("  cnbfarm includes: manifest read from the registry, base from the warm rootfs cache, 3 RUNs in the"
        + " sandbox over overlayfs, 3 gzip layer blobs + cache entries, the sparse <extended> OCI layout");
    out.println("  buildah includes: manifest check against the registry, base from its warm storage, 3 RUNs"
        + " (chroot isolation), commit of one squashed layer into its overlay storage (no --layers, no push)");
    out.printf("fully cached second extend                %6.2f s, %d RUN executed, %d cache hits (target < 1 s, 0 RUN:"
        + " %s)%n", cached.wall(), cached.runsExecuted(), cached.cacheHits(),
        verdict(cached.wall() < 1 && cached.runsExecuted() == 0));
    out.printf("peak RSS (VmHWM) of a child JVM extending with a %d MiB file: %d MiB (target < 300 MB: %s)%n",
        rss.layerTarBytes() / ExtendBenchmark.MIB, rss.vmHwmKb() / 1024, verdict(rss.vmHwmKb() / 1024 < 300));
    out.printf("  layer: %.1f MiB of files, %.1f MiB gzip blob; child JVM flags: %s%n",
        rss.layerTarBytes() / (double) ExtendBenchmark.MIB, rss.layerGzipBytes() / (double) ExtendBenchmark.MIB, rss.jvmFlags().isEmpty() ? "(none)" : String.join(" ", rss.jvmFlags()));
  }

  private static String verdict(boolean met) {
    return met ? "met" : "MISSED";
  }

  private static double med(List<ExtendBenchmark.CnbSample> samples,
      java.util.function.ToDoubleFunction<ExtendBenchmark.CnbSample> f) {
    return ExtendBenchmark.median(samples.stream().map(s -> f.applyAsDouble(s)).toList());
  }

  static String stepMedians(List<ExtendBenchmark.CnbSample> samples) {
    int n = samples.get(0).steps().size();
    return java.util.stream.IntStream.range(0, n)
        .mapToObj(i -> String.format("%.2f", ExtendBenchmark.median(samples.stream().map(s -> s.steps().get(i)).toList())))
        .collect(Collectors.joining(" / "));
  }
}
