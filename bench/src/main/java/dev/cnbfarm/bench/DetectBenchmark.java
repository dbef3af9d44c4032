package dev.cnbfarm.bench;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.lifecycle.api.SupportedApis;
import dev.cnbfarm.lifecycle.detect.DetectOutcome;
import dev.cnbfarm.lifecycle.exec.ProcessBinaryRunner;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.cli.lifecycle.PhaseRecords;
import dev.cnbfarm.engine.detect.DetectSettings;
import dev.cnbfarm.engine.detect.DetectorPhase;
import dev.cnbfarm.lifecycle.phase.PhaseInputs;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code scripts/bench detect}: detect+generate over a generated order of N groups x M elements,
 * timed end to end through the real detector phase (real {@code /bin/detect} processes), with the
 * group's elements detected in parallel and, alternating, one at a time. Prints medians.
 */
public final class DetectBenchmark {
  private final PrintStream out;

  public DetectBenchmark(PrintStream out) {
    this.out = out;
  }

  public int run(String[] args) {
    BenchFlags flags = BenchFlags.parse(args, Set.of("groups", "elements", "runs", "parallelism", "dir"));
    int groups = Integer.parseInt(flags.values().getOrDefault("groups", "50"));
    int elements = Integer.parseInt(flags.values().getOrDefault("elements", "5"));
    int runs = Integer.parseInt(flags.values().getOrDefault("runs", "5"));
    int parallelism = Integer.parseInt(flags.values().getOrDefault("parallelism", "8"));
    try {
      Path dir = flags.values().containsKey("dir") ? Path.of(flags.values().get("dir"))
          : Files.createTempDirectory("cnbfarm-bench-detect-");
      BenchFixture fx = new BenchFixture(dir, groups, elements);
      fx.write();
      out.printf("detect+generate benchmark: %d groups x %d elements (%d buildpacks) + 2 extensions, %d runs per mode, %d cores%n",
          groups, elements, groups * elements, runs, Runtime.getRuntime().availableProcessors());
      once(fx, dir.resolve("warmup"), parallelism);
      List<Sample> parallel = new ArrayList<>();
      List<Sample> serial = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        parallel.add(once(fx, dir.resolve("p" + i), parallelism));
        serial.add(once(fx, dir.resolve("s" + i), 1));
      }
      Sample p = median(parallel);
      Sample s = median(serial);
      report("parallel (" + parallelism + " at a time)", p);
      report("serial (1 at a time)", s);
      out.printf("parallel/serial wall ratio: %.2f%n", p.wall.toNanos() / (double) s.wall.toNanos());
      if (!flags.values().containsKey("dir")) {
        FileTrees.deleteRecursively(dir);
      }
      return 0;
    } catch (IOException e) {
      out.println("ERROR: " + e.getMessage());
      return 1;
    } catch (LifecycleException e) {
      out.println("ERROR: " + e.getMessage());
      return e.code().exitCode();
    }
  }

  private Sample once(BenchFixture fx, Path layers, int parallelism) throws IOException {
    Files.createDirectories(layers);
    Map<String, String> flags = Map.of("app", fx.app().toString(), "buildpacks", fx.buildpacks().toString(),
        "extensions", fx.extensions().toString(), "order", fx.order().toString(), "layers", layers.toString(),
        "platform", fx.platform().toString(), "run", fx.runToml().toString(),
        "build-config", layers.resolve("no-build-config").toString());
    Map<String, String> env = Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    long start = System.nanoTime();
    PhaseInputs in = new PhaseInputs(flags, env, SupportedApis.DEFAULT_PLATFORM);
    DetectOutcome o = new DetectorPhase(new ProcessBinaryRunner(), PhaseRecords.files(in), Reporter.NONE,
        new DetectSettings(parallelism, Duration.ofMinutes(1))).run(PhaseRecords.detect(in)).outcome();
    Duration wall = Duration.ofNanos(System.nanoTime() - start);
    verify(o, layers);
    return new Sample(wall, o.stats().invocations(), o.stats().detectTime(), o.stats().groupsTried());
  }

  /** A benchmark that measured the wrong thing is worse than none: check the outcome. */
  private static void verify(DetectOutcome o, Path layers) {
    if (!(o instanceof DetectOutcome.Detected)) {
      throw new IllegalStateException("benchmark fixture did not detect: " + o);
    }
    Group g = Group.read(layers.resolve("group.toml"));
    Analyzed a = Analyzed.read(layers.resolve("analyzed.toml"));
    if (g.extensions().size() != 2 || !a.runImageExtend()
        || !Files.exists(layers.resolve("generated/bench_tool/build.Dockerfile"))) {
      throw new IllegalStateException("benchmark fixture produced unexpected outputs: " + g + " " + a);
    }
  }

  private void report(String mode, Sample s) {
    out.printf("%-24s median wall %6.3f s | %d /bin/detect runs, %d groups resolved | %.2f ms wall per /bin/detect"
            + " | %.2f ms mean /bin/detect process time%n",
        mode, s.wall.toNanos() / 1e9, s.invocations, s.groups, s.wall.toNanos() / 1e6 / s.invocations,
        s.detectTime.toNanos() / 1e6 / s.invocations);
  }

  private static Sample median(List<Sample> samples) {
    List<Sample> sorted = samples.stream().sorted(Comparator.comparing(Sample::wall)).toList();
    return sorted.get(sorted.size() / 2);
  }

  private record Sample(Duration wall, int invocations, Duration detectTime, int groups) {}
}
