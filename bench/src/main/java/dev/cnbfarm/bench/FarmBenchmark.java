package dev.cnbfarm.bench;

import dev.cnbfarm.image.blob.TreeBlobs;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.lifecycle.api.SupportedApis;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.runtime.Topics;
import dev.cnbfarm.runtime.client.BuildClient;
import dev.cnbfarm.runtime.client.BuildEvent;
import dev.cnbfarm.schemas.BuildSpec;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code scripts/bench farm}: the local topology of {@code deploy/local/farm} (a standalone broker,
 * a registry, every worker role as processes of its own) under a burst of builds of the sample app
 * with the sample builder's three extensions, once per count of extend build-role replicas, the
 * other roles fixed. Per configuration: {@code up}, warm-up builds (one per build replica, not
 * counted), then all {@code -builds} submitted at once from this JVM (the app source uploaded
 * before the clock starts); builds per minute from the first submit to the last {@code exported}
 * record's timestamp, and each build's latency from its submit to its {@code exported} record;
 * then {@code down}. Every build must export. Not thread-safe.
 */
final class FarmBenchmark {
  private static final Duration FOLLOW = Duration.ofMinutes(20);
  private final PrintStream out;
  private final ImageStore store = RoutingImageStore.withDefaults();

  FarmBenchmark(PrintStream out) {
    this.out = out;
  }

  /** One configuration's figures. */
  record Result(int buildReplicas, int builds, double seconds, Quantiles latency) {
    double perMinute() {
      return builds * 60.0 / seconds;
    }
  }

  int run(String[] args) {
    BenchFlags flags = BenchFlags.parse(args, Set.of("builds", "replicas", "others", "dir"));
    int builds = PipelineBenchmark.positive(flags, "builds", "20");
    int others = PipelineBenchmark.positive(flags, "others", "2");
    List<Integer> replicas = new ArrayList<>();
    for (String r : flags.values().getOrDefault("replicas", "1,2,4").split(",")) {
      if (!r.matches("[1-8]")) {
        throw new BenchFlags.UsageException("-replicas takes counts 1..8 separated by commas, not '" + r + "'");
      }
      replicas.add(Integer.parseInt(r));
    }
    Path repo = PipelineBenchmark.repo();
    Path dir = Path.of(flags.values().getOrDefault("dir", "/tmp/cnbfarm-bench-farm")).toAbsolutePath();
    out.printf(Locale.ROOT, "farm benchmark (deploy/local/farm in %s): %d builds of the sample (3 extensions) per"
        + " configuration; detect, extend-run and export with %d process(es) each; %d cores, load average %.1f at"
        + " start (shared machine)%n", dir, builds, others, Runtime.getRuntime().availableProcessors(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    List<Result> results = new ArrayList<>();
    for (int n : replicas) {
      Result r = configuration(repo, dir, n, others, builds);
      results.add(r);
      out.printf(Locale.ROOT, "farm: %d build-role replica(s): %d builds in %.1f s = %.1f builds/min |"
          + " submit->exported p50 %.1f s, p99 %.1f s (max %.1f s)%n", n, r.builds(), r.seconds(), r.perMinute(),
          r.latency().median(), r.latency().percentile(99), r.latency().max());
    }
    if (results.size() > 1) {
      Result base = results.get(0);
      for (Result r : results.subList(1, results.size())) {
        out.printf(Locale.ROOT, "farm: %d vs %d build-role replicas: %.2fx builds/min%n", r.buildReplicas(),
            base.buildReplicas(), r.perMinute() / base.perMinute());
      }
    }
    return 0;
  }

  private Result configuration(Path repo, Path dir, int buildReplicas, int others, int builds) {
    // a farm a crashed run left in the dir would answer "already up" with another configuration
    script(repo, dir, Duration.ofMinutes(3), "down");
    script(repo, dir, Duration.ofMinutes(10), "up", "--replicas", Integer.toString(others), "--build-replicas",
        Integer.toString(buildReplicas));
    try {
      Map<String, String> farm = env(dir.resolve("farm.env"));
      Path scratch = Files.createTempDirectory("cnbfarm-bench-farm-");
      try (BuildClient client = BuildClient.connect(farm.get("CNBFARM_BOOTSTRAP"), Topics.defaults(), "bench")) {
        List<BuildSpec> warmup = new ArrayList<>();
        for (int i = 1; i <= buildReplicas; i++) {
          warmup.add(spec(farm, repo, scratch, "warmup-" + i));
        }
        List<String> warm = new ArrayList<>();
        warmup.forEach(s -> warm.add(client.submit(s)));
        for (String id : warm) {
          exported(client, id);
        }
        List<BuildSpec> specs = new ArrayList<>();
        for (int i = 1; i <= builds; i++) {
          specs.add(spec(farm, repo, scratch, "b" + i));
        }
        Instant first = Instant.now();
        Map<String, Instant> submitted = new LinkedHashMap<>();
        for (BuildSpec s : specs) {
          Instant at = Instant.now();
          submitted.put(client.submit(s), at);
        }
        Instant last = Instant.MIN;
        List<Double> latencies = new ArrayList<>();
        for (Map.Entry<String, Instant> e : submitted.entrySet()) {
          Instant done = exported(client, e.getKey());
          latencies.add(Duration.between(e.getValue(), done).toMillis() / 1000.0);
          last = done.isAfter(last) ? done : last;
        }
        return new Result(buildReplicas, builds, Duration.between(first, last).toMillis() / 1000.0,
            Quantiles.of(latencies));
      } finally {
        FileTrees.deleteQuietly(scratch);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      script(repo, dir, Duration.ofMinutes(3), "down");
    }
  }

  /** The request of one build of the sample app to its own repository of the farm's registry. */
  private BuildSpec spec(Map<String, String> farm, Path repo, Path scratch, String name) {
    ImageRef target = ImageRef.parse(farm.get("CNBFARM_FARM_REGISTRY") + "/bench/" + name + ":latest");
    TreeBlobs.Pushed source = new TreeBlobs(store, scratch).push(target, repo.resolve("samples/apps/hello"));
    return BuildSpec.newBuilder().setBuilderImage(farm.get("CNBFARM_FARM_BUILDER"))
        .setSourceRepository(target.toString()).setSourceDigest(source.digest().value())
        .setTargetImage(target.toString()).setTags(List.of())
        .setEnv(Map.of("SAMPLES_RUN_TINY", farm.get("CNBFARM_FARM_RUN_TINY")))
        .setRunImage(farm.get("CNBFARM_FARM_RUN_IMAGE")).setRequestedBy("scripts/bench farm")
        .setPlatformApi(SupportedApis.DEFAULT_PLATFORM.toString()).build();
  }

  /** The timestamp of the build's exported record; any other end fails the benchmark. */
  private static Instant exported(BuildClient client, String id) {
    BuildEvent end = client.follow(id, e -> {}, FOLLOW);
    if (!(end instanceof BuildEvent.Exported)) {
      throw new IllegalStateException("build " + id + " did not export: " + end);
    }
    return end.timestamp();
  }

  private static Map<String, String> env(Path file) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (line.startsWith("CNBFARM_") && eq > 0) {
        out.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return out;
  }

  /** Runs {@code deploy/local/farm <args> --dir <dir>}, its output to {@code <dir>.<command>.log}; fails unless 0. */
  private static void script(Path repo, Path dir, Duration timeout, String... args) {
    Path log = Path.of(dir + "." + args[0] + ".log");
    List<String> command = new ArrayList<>(List.of("bash", repo.resolve("deploy/local/farm").toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--dir", dir.toString()));
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true)
          .redirectInput(new File("/dev/null")).redirectOutput(log.toFile());
      // scripts/bench has just packaged the CLI with this module
      builder.environment().put("CNBFARM_FARM_BUILD_CLI", "never");
      Process p = builder.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("deploy/local/farm " + args[0] + " did not end within " + timeout
            + " (log: " + log + ")");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("deploy/local/farm " + args[0] + " exited " + p.exitValue() + ":\n"
            + Files.readString(log));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
