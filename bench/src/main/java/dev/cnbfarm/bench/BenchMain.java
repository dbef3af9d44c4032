package dev.cnbfarm.bench;

import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code scripts/bench}: runs one benchmark. The benchmarks are not part of the
 * {@code cnbfarm} command (they need test fixtures and host tools a farm host does not have), so
 * they live in this module, which nothing ships. Stateless.
 */
public final class BenchMain {
  static final String USAGE = """
      Usage: scripts/bench <benchmark> [flags]

        detect [flags]   detect+generate over a generated order
                         (-groups 50 -elements 5 -runs 5 -parallelism 8 -dir D)
        extend [flags]   the extender against buildah bud on a Debian base; needs root
                         (-runs 5 -cache ${XDG_CACHE_HOME:-$HOME/.cache}/cnbfarm/bench -rss-megabytes 200)
        export [flags]   export (all layers in the registry) of 10 MB and 1 GB app images against
                         skopeo copy, and rebase of the 1 GB one (-runs 7 -copies 3 -cache DIR)
        rebuild [flags]  cold build vs warm rebuilds (no change, app change) with the build cache,
                         through the lifecycle commands into a registry; a 100 MB dependency layer
                         (-megabytes 100 -caches dir,image -repeat 3 -dir D; medians of -repeat builds)
        pipeline [flags] the Kafka pipeline; needs root: (a) one-shot cnbfarm build of the sample vs
                         its four phase JVMs, (b) builds/min with 1 vs N extend-build replicas, RUN
                         sleeping 2 s, (c) worker-to-worker hop latency, (d) one-shot peak RSS
                         (-runs 3 -builds 40 -replicas 4 -others 4 -partitions 8 -samples 1000
                          -pace-ms 10 -parts abcd -dir D)
        farm [flags]     deploy/local/farm's topology (broker, registry, workers as processes):
                         builds/min and submit->exported p50/p99 of a burst of sample builds with
                         1, 2 and 4 extend build-role replicas, the other roles fixed; needs root
                         (-builds 20 -replicas 1,2,4 -others 2 -dir /tmp/cnbfarm-bench-farm)

      Figures and what each side includes: README.md, "Benchmarks"; raw logs: docs/benchmarks.md.
      """;

  private static final List<String> HELP = List.of("-h", "-help", "--help", "help");

  private BenchMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out));
  }

  private static int rebuild(String[] args, PrintStream out) {
    try {
      return new RebuildBenchmark(out).run(args);
    } catch (java.io.IOException e) {
      out.println("ERROR: " + e.getMessage());
      return 1;
    }
  }

  static int run(String[] args, PrintStream out) {
    if (args.length == 0 || HELP.contains(args[0])) {
      out.print(USAGE);
      return args.length == 0 ? 3 : 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    if (Arrays.stream(rest).anyMatch(HELP::contains)) {
      out.print(USAGE);
      return 0;
    }
    try {
      return switch (args[0]) {
        case "detect" -> new DetectBenchmark(out).run(rest);
        case "extend" -> new ExtendBenchmark(out).run(rest);
        case "export" -> new ExportBenchmark(out).run(rest);
        case "pipeline" -> new PipelineBenchmark(out).run(rest);
        case "farm" -> new FarmBenchmark(out).run(rest);
        case "rebuild" -> rebuild(rest, out);
        // hidden: the child JVM of the extend benchmark's peak-RSS measurement
        case "extend-rss" -> RssProbe.child(rest, out);
        default -> throw new BenchFlags.UsageException("unknown benchmark '" + args[0] + "'");
      };
    } catch (BenchFlags.UsageException e) {
      out.println("ERROR: " + e.getMessage() + " (scripts/bench --help)");
      return 3;
    } catch (LifecycleException e) {
      out.println("ERROR: " + e.getMessage());
      return e.code().exitCode();
    }
  }
}
