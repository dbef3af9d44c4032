package dev.cnbfarm.itests.farm;

import dev.cnbfarm.cli.Main;
import dev.cnbfarm.engine.testing.SampleImages;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.LocalRegistry;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.runtime.Topics;
import dev.cnbfarm.runtime.client.BuildClient;
import dev.cnbfarm.runtime.client.BuildEvent;
import dev.cnbfarm.runtime.client.BuildHistory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A farm of separate processes for the itests: a {@link StandaloneBroker}, a registry on 127.0.0.1
 * holding the {@link SlowSamples} images, and the {@link WorkerProcess}es started through it, each
 * with its own cache dir and its output in {@link #dir()}. {@link #close()} stops every process
 * it started, by PID, and deletes the dir. Not thread-safe.
 */
public final class Farm implements AutoCloseable {
  /** Partitions of every topic: more than one, so replicas can share them. */
  public static final int PARTITIONS = 4;
  private final Path dir;
  private final Map<String, String> env;
  private final List<WorkerProcess> workers = new ArrayList<>();
  private final List<AutoCloseable> others = new ArrayList<>();
  private StandaloneBroker broker;
  private LocalRegistry registry;
  private SampleImages images;
  private final ImageStore store = RoutingImageStore.withDefaults();

  private Farm(Path dir, Map<String, String> env) {
    this.dir = dir;
    this.env = env;
  }

  /** Starts the broker and the registry and writes the sample images; {@code env} goes to every worker. */
  public static Farm start(Map<String, String> env) throws IOException {
    Farm farm = new Farm(Files.createTempDirectory("cnbfarm-farm-"), Map.copyOf(env));
    try {
      farm.broker = StandaloneBroker.start(farm.dir);
      farm.registry = LocalRegistry.start();
      farm.images = farm.writeImages(farm.registry);
      return farm;
    } catch (IOException | RuntimeException e) {
      farm.close();
      throw e;
    }
  }

  /** Writes the sample images to {@code registry} (e.g. a second one, {@link #otherRegistry()}). */
  public SampleImages writeImages(LocalRegistry target) throws IOException {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    return SlowSamples.write(store, name -> ImageRef.parse(target.host() + "/samples/" + name + ":" + tag),
        Files.createTempDirectory(dir, "images-"));
  }

  /** One more registry, closed with the farm (or before, by the test). */
  public LocalRegistry otherRegistry() {
    LocalRegistry other = LocalRegistry.start();
    others.add(other);
    return other;
  }

  public Path dir() {
    return dir;
  }

  public StandaloneBroker broker() {
    return broker;
  }

  public LocalRegistry registry() {
    return registry;
  }

  public SampleImages images() {
    return images;
  }

  /** The env of a worker named {@code name}: the farm's, its instance id and its own cache dir. */
  public Map<String, String> env(String name) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("CNBFARM_BOOTSTRAP", broker.bootstrap());
    out.put("CNBFARM_TOPIC_PARTITIONS", Integer.toString(PARTITIONS));
    // a killed member leaves its partitions after this, not after the default 45 s
    out.put("CNBFARM_KAFKA_SESSION_TIMEOUT_MS", "10000");
    out.put("CNBFARM_SHUTDOWN_GRACE", "5s");
    out.putAll(env);
    out.put("CNBFARM_INSTANCE", name);
    out.put("CNBFARM_CACHE_DIR", cacheDir(name).toString());
    return out;
  }

  /** The cache dir of the worker {@code name} (kept when it restarts under the same name). */
  public Path cacheDir(String name) {
    return dir.resolve("cache-" + name);
  }

  /** Starts {@code cnbfarm worker <args>} as {@code name}, e.g. {@code worker("b1", "extend", "--role", "build")}. */
  public WorkerProcess worker(String name, String... args) {
    WorkerProcess w = WorkerProcess.start(name, dir, env(name), args);
    workers.add(w);
    return w;
  }

  /** Every worker started so far, in start order. */
  public List<WorkerProcess> workers() {
    return List.copyOf(workers);
  }

  /** Submits the sample app, built with {@code images}, to {@code target} with {@code buildEnv}; returns the build id. */
  public String submit(SampleImages with, String target, Map<String, String> buildEnv) {
    List<String> args = new ArrayList<>(List.of("submit", "--bootstrap", broker.bootstrap(),
        "--builder", with.builder().toString(), "--app", with.app().toString(), "--image", target,
        "--run-image", with.run().toString(), "--requested-by", "itests"));
    Map<String, String> all = new LinkedHashMap<>(with.env());
    all.putAll(buildEnv);
    all.forEach((k, v) -> args.addAll(List.of("--env", k + "=" + v)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Map<String, String> cli = new LinkedHashMap<>(System.getenv());
    cli.put("CNBFARM_TOPIC_PARTITIONS", Integer.toString(PARTITIONS));
    int code = Main.run(args.toArray(String[]::new), cli, new PrintStream(out, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8).trim();
    if (code != 0) {
      throw new IllegalStateException("cnbfarm submit exited " + code + ": " + text);
    }
    List<String> lines = text.lines().toList();
    return lines.get(lines.size() - 1).trim();
  }

  /** Submits to a fresh repository of the farm's registry. */
  public String submit(Map<String, String> buildEnv) {
    return submit(images, registry.host() + "/apps/" + UUID.randomUUID().toString().substring(0, 8) + ":latest",
        buildEnv);
  }

  /** Follows {@code buildId} on a thread of its own. */
  public BuildWatch watch(String buildId, Duration timeout) {
    return new BuildWatch(client(), buildId, timeout);
  }

  public BuildClient client() {
    return BuildClient.connect(broker.bootstrap(), Topics.defaults(), "itests");
  }

  /** Every phase event of {@code buildId} now in the log. */
  public List<BuildEvent> history(String buildId) {
    try (BuildClient client = client()) {
      return client.history(Optional.of(buildId), Optional.empty()).stream().findFirst()
          .map(BuildHistory::events).orElse(List.of());
    }
  }

  /** The offset {@code group} has committed on {@code topic}-{@code partition}, -1 when none. */
  public long committed(String group, String topic, int partition) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
      OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
          .get(30, TimeUnit.SECONDS).get(new TopicPartition(topic, partition));
      return offset == null ? -1 : offset.offset();
    } catch (ExecutionException | TimeoutException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Lines of {@code /proc/self/mountinfo} that name a path under the farm's dir. */
  public List<String> mountsUnderDir() throws IOException {
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains(dir.toString()))
        .toList();
  }

  @Override
  public void close() {
    for (WorkerProcess w : workers) {
      w.close();
    }
    for (AutoCloseable other : others) {
      try {
        other.close();
      } catch (Exception ignored) {
        // best effort: the next one still gets stopped
      }
    }
    if (registry != null) {
      registry.close();
    }
    if (broker != null) {
      broker.close();
    }
    FileTrees.deleteQuietly(dir);
  }
}
