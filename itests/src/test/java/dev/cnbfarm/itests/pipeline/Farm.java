package dev.cnbfarm.itests.pipeline;

import dev.cnbfarm.cli.Main;
import dev.cnbfarm.cli.pipeline.Role;
import dev.cnbfarm.cli.pipeline.WorkerRoles;
import dev.cnbfarm.image.store.CountingImageStore;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.RegistryImageStore;
import dev.cnbfarm.image.store.RegistrySettings;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.LocalRegistry;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.admin.TopicAdmin;
import dev.cnbfarm.runtime.client.BuildClient;
import dev.cnbfarm.runtime.client.BuildHistory;
import dev.cnbfarm.runtime.settings.WorkerSettings;
import dev.cnbfarm.runtime.testing.TestBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A build farm in this JVM for the pipeline itests: a real KRaft broker (Kafka's test kit), a
 * real registry (Debian's docker-registry on 127.0.0.1), and one worker of every role started by
 * {@link WorkerRoles} the way {@code cnbfarm worker ...} starts them. Builds go through the
 * user-facing CLI ({@link Main}) with {@code --bootstrap}, so its output and exit code are tested
 * too. One per test class; not thread-safe.
 */
final class Farm implements AutoCloseable {
  private static final Pattern BUILD_ID = Pattern.compile("(?m)^Build (\\S+): ");
  private static final Pattern DIGEST = Pattern.compile("(?m)^\\*\\*\\* Digest: (sha256:[0-9a-f]{64})$");

  final TestBroker broker;
  final LocalRegistry registry;
  /** The workers' store; counts the blobs they upload. */
  final CountingImageStore store;
  final Map<String, String> env;
  final WorkerSettings settings;
  private final WorkerRoles roles;

  private Farm(TestBroker broker, LocalRegistry registry, Map<String, String> env, List<Role> roles) {
    this.broker = broker;
    this.registry = registry;
    this.env = env;
    this.store = new CountingImageStore(new RoutingImageStore(new OciLayoutImageStore(),
        RegistryImageStore.of(RegistrySettings.defaults())));
    this.settings = WorkerSettings.fromEnv(env);
    TopicAdmin.ensureTopics(settings.kafka());
    this.roles = WorkerRoles.start(settings, env, store, roles, 1);
  }

  /** Starts the broker, the registry and the workers; {@code dir} holds the workers' cache. */
  static Farm start(Path dir) {
    return start(dir, List.of(Role.values()));
  }

  /** As {@link #start(Path)}, with workers of {@code roles} only (a test starts the others itself). */
  static Farm start(Path dir, List<Role> roles) {
    TestBroker broker = TestBroker.start();
    LocalRegistry registry = null;
    try {
      registry = LocalRegistry.start();
      Map<String, String> env = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "HOME", dir.toString(),
          "CNBFARM_CACHE_DIR", dir.resolve("cache").toString(), "CNBFARM_BOOTSTRAP", broker.bootstrap(),
          "CNBFARM_TOPIC_PARTITIONS", "2", "CNBFARM_INSTANCE", "itest-worker");
      return new Farm(broker, registry, env, roles);
    } catch (RuntimeException e) {
      if (registry != null) {
        registry.close();
      }
      closeQuietly(broker);
      throw e;
    }
  }

  /** Runs one {@code cnbfarm} command line in this JVM against the farm. */
  Cli cli(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = Main.run(args, env, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return new Cli(List.of(args), code, bytes.toString(StandardCharsets.UTF_8));
  }

  /** {@code cnbfarm build --bootstrap <farm> --timeout PT3M <args>}. */
  Cli build(String... args) {
    String[] all = new String[args.length + 5];
    all[0] = "build";
    all[1] = "--bootstrap";
    all[2] = broker.bootstrap();
    all[3] = "--timeout";
    all[4] = "PT3M";
    System.arraycopy(args, 0, all, 5, args.length);
    return cli(all);
  }

  /** One build's events, read from the topics. */
  BuildHistory history(String buildId) {
    return historyIfAny(buildId).orElseThrow(() -> new AssertionError("no build " + buildId + " in the event log"));
  }

  /** One build's events, when it has any yet. */
  Optional<BuildHistory> historyIfAny(String buildId) {
    try (BuildClient client = client()) {
      return client.history(Optional.of(buildId), Optional.empty()).stream().findFirst();
    }
  }

  BuildClient client() {
    return BuildClient.connect(settings.kafka().bootstrap(), settings.kafka().topics(), "itest-client",
        settings.kafka().clientProperties(), Clock.systemUTC());
  }

  String topic(Topic topic) {
    return settings.kafka().topics().name(topic);
  }

  String dlq(Topic topic) {
    return settings.kafka().topics().dlq(topic);
  }

  @Override
  public void close() {
    roles.close();
    registry.close();
    closeQuietly(broker);
  }

  private static void closeQuietly(TestBroker broker) {
    try {
      broker.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the test broker: " + e.getMessage(), e);
    }
  }

  /** What one command printed and its exit code. */
  record Cli(List<String> args, int code, String output) {
    String buildId() {
      Matcher m = BUILD_ID.matcher(output);
      if (!m.find()) {
        throw new AssertionError("no build id in the output of cnbfarm " + args + ":\n" + output);
      }
      return m.group(1);
    }

    String digest() {
      Matcher m = DIGEST.matcher(output);
      if (!m.find()) {
        throw new AssertionError("no digest in the output of cnbfarm " + args + ":\n" + output);
      }
      return m.group(1);
    }

    String describe() {
      return "cnbfarm " + String.join(" ", args) + " (exit " + code + "):\n" + output;
    }
  }
}
