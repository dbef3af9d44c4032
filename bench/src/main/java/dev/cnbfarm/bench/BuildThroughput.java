package dev.cnbfarm.bench;

import dev.cnbfarm.cli.pipeline.Role;
import dev.cnbfarm.cli.pipeline.WorkerRoles;
import dev.cnbfarm.image.blob.TreeBlobs;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.rootfs.LocalCache;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.api.SupportedApis;
import dev.cnbfarm.runtime.admin.TopicAdmin;
import dev.cnbfarm.runtime.client.BuildClient;
import dev.cnbfarm.runtime.client.BuildEvent;
import dev.cnbfarm.runtime.settings.KafkaSettings;
import dev.cnbfarm.runtime.settings.WorkerSettings;
import dev.cnbfarm.schemas.BuildSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Part (b) of {@code scripts/bench pipeline}: builds per minute of the farm path with N
 * extend-build replicas. The worker roles run in this JVM over one broker, started by {@link
 * WorkerRoles} as {@code cnbfarm worker} starts them: the extend-build role with N loops, and
 * detect, extend-run and export with a fixed count (the same in every configuration) in a second
 * set of roles with a cache dir of its own (one {@link LocalCache} per dir per process). Each
 * configuration gets its own topic prefix. One warm-up build runs first (unpacks the builder);
 * then all builds are submitted at once, each with its own app image ({@code oci:<dir>/out/...}),
 * and the time runs from the first submit to the last {@code exported} record's timestamp. Every
 * build must export, and its extend-build must have taken at least the 2 s the RUN sleeps. Not
 * thread-safe.
 */
final class BuildThroughput {
  private static final Duration FOLLOW = Duration.ofMinutes(30);
  private static final Pattern METRIC = Pattern.compile(
      "^cnbfarm_handle_duration_seconds_(sum|count)\\{[^}]*phase=\"([^\"]+)\"[^}]*} (\\S+)$");

  /** One configuration's figures; {@code handleSeconds}: mean handler time per phase in the timed builds. */
  record Result(int buildReplicas, int otherReplicas, int builds, double seconds, double minExtendBuild,
      Map<String, Double> handleSeconds, double meanExport, Map<Integer, Integer> perPartition) {
    double perMinute() {
      return builds * 60.0 / seconds;
    }
  }

  private final Path dir;
  private final ImageStore store;
  private final String builder;
  private final String bootstrap;
  private final int partitions;

  BuildThroughput(Path dir, ImageStore store, String builder, String bootstrap, int partitions) {
    this.dir = dir;
    this.store = store;
    this.builder = builder;
    this.bootstrap = bootstrap;
    this.partitions = partitions;
  }

  Result run(int buildReplicas, int otherReplicas, int builds) {
    String prefix = "bench-throughput-" + buildReplicas;
    Map<String, String> build = env(prefix, "bench-build", "cache-build");
    Map<String, String> others = env(prefix, "bench-other", "cache-other");
    WorkerSettings buildSettings = WorkerSettings.fromEnv(build);
    TopicAdmin.ensureTopics(buildSettings.kafka());
    try (WorkerRoles b = WorkerRoles.start(buildSettings, build, store, List.of(Role.EXTEND_BUILD), buildReplicas);
        WorkerRoles o = WorkerRoles.start(WorkerSettings.fromEnv(others), others, store,
            List.of(Role.DETECT, Role.EXTEND_RUN, Role.EXPORT), otherReplicas);
        BuildClient client = BuildClient.connect(bootstrap, buildSettings.kafka().topics(), "bench-client")) {
      awaitReady(b, o);
      follow(client, List.of(client.submit(spec(prefix + "-warmup"))));
      Map<String, double[]> before = handleTimes(b, o);
      List<BuildSpec> specs = new ArrayList<>();
      for (int i = 1; i <= builds; i++) {
        specs.add(spec(prefix + "-" + i));
      }
      Instant start = Instant.now();
      List<String> ids = new ArrayList<>();
      for (BuildSpec s : specs) {
        ids.add(client.submit(s));
      }
      Timeline t = follow(client, ids);
      Map<String, double[]> after = handleTimes(b, o);
      Map<String, Double> means = new TreeMap<>();
      after.forEach((phase, v) -> {
        double[] was = before.getOrDefault(phase, new double[2]);
        if (v[1] > was[1]) {
          means.put(phase, (v[0] - was[0]) / (v[1] - was[1]));
        }
      });
      double seconds = Duration.between(start, t.last()).toMillis() / 1000.0;
      return new Result(buildReplicas, otherReplicas, builds, seconds, t.minExtendBuild(), means, t.meanExport(),
          t.perPartition());
    }
  }

  private Map<String, String> env(String prefix, String instance, String cache) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put(KafkaSettings.BOOTSTRAP.env(), bootstrap);
    env.put(KafkaSettings.TOPIC_PREFIX.env(), prefix);
    env.put(KafkaSettings.TOPIC_PARTITIONS.env(), Integer.toString(partitions));
    env.put(WorkerSettings.INSTANCE.env(), instance);
    env.put(WorkerSettings.METRICS_PORT.env(), "0");
    env.put(LocalCache.DIR_ENV, dir.resolve(cache).toString());
    return env;
  }

  private BuildSpec spec(String name) {
    ImageRef target = ImageRef.parse("oci:" + dir.resolve("out").resolve(name) + ":app");
    try {
      Path scratch = Files.createDirectories(dir.resolve("scratch"));
      TreeBlobs.Pushed source = new TreeBlobs(store, scratch).push(target, SleepBuilder.app(dir));
      return BuildSpec.newBuilder().setBuilderImage(builder).setSourceRepository(target.toString())
          .setSourceDigest(source.digest().value()).setTargetImage(target.toString()).setTags(List.of())
          .setEnv(Map.of()).setRunImage("oci:" + dir.resolve("images") + ":run").setRequestedBy("scripts/bench")
          .setPlatformApi(SupportedApis.DEFAULT_PLATFORM.toString()).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** When the builds' phases ended, from their records' timestamps. */
  private record Timeline(Instant last, double minExtendBuild, double meanExport, Map<Integer, Integer> perPartition) {}

  private static Timeline follow(BuildClient client, List<String> ids) {
    Instant last = Instant.MIN;
    double minBuild = Double.MAX_VALUE;
    double export = 0;
    Map<Integer, Integer> perPartition = new TreeMap<>();
    for (String id : ids) {
      Map<String, Instant> at = new HashMap<>();
      BuildEvent end = client.follow(id, e -> {
        if (at.putIfAbsent(e.getClass().getSimpleName(), e.timestamp()) == null && e instanceof BuildEvent.Requested) {
          perPartition.merge(e.partition(), 1, Integer::sum);
        }
      }, FOLLOW);
      if (!(end instanceof BuildEvent.Exported)) {
        throw new IllegalStateException("build " + id + " did not export: " + end);
      }
      double build = Duration.between(at.get("Detected"), at.get("Built")).toMillis() / 1000.0;
      if (build < 2.0) {
        throw new IllegalStateException("build " + id + " extended its build image in " + build
            + " s: the 2 s RUN did not run");
      }
      minBuild = Math.min(minBuild, build);
      Instant both = at.get("Built").isAfter(at.get("RunReady")) ? at.get("Built") : at.get("RunReady");
      export += Duration.between(both, end.timestamp()).toMillis() / 1000.0;
      last = end.timestamp().isAfter(last) ? end.timestamp() : last;
    }
    return new Timeline(last, minBuild, export / ids.size(), perPartition);
  }

  private static void awaitReady(WorkerRoles... roles) {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    for (WorkerRoles r : roles) {
      while (!r.ready()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the worker roles were not ready within 2 minutes");
        }
        sleep(100);
      }
    }
  }

  /** phase -> {sum seconds, count} of cnbfarm.handle.duration, from the roles' /metrics. */
  private static Map<String, double[]> handleTimes(WorkerRoles... roles) {
    Map<String, double[]> out = new HashMap<>();
    HttpClient http = HttpClient.newHttpClient();
    for (WorkerRoles r : roles) {
      int port = r.metricsPort().orElseThrow();
      String body;
      try {
        body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      for (String line : body.split("\n")) {
        Matcher m = METRIC.matcher(line);
        if (m.matches()) {
          double[] v = out.computeIfAbsent(m.group(2), k -> new double[2]);
          v[m.group(1).equals("sum") ? 0 : 1] += Double.parseDouble(m.group(3));
        }
      }
    }
    return out;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
