package dev.cnbfarm.itests.farm;

import static org.awaitility.Awaitility.await;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker (broker and controller combined) as a JVM of its own, {@code
 * kafka.Kafka} from Kafka's jars, formatted with {@code kafka.tools.StorageTool} (machine.md
 * §1(b)). It listens on a free port of 127.0.0.1; {@link #stop()} and {@link #start()} keep that port
 * and the log dir, so a restart is the same broker. Its output goes to {@code broker.log} in its dir.
 * {@link #close()} kills it by PID and deletes the dir. Not thread-safe.
 */
public final class StandaloneBroker implements AutoCloseable {
  private static final Duration READY = Duration.ofSeconds(60);
  private final Path dir;
  private final int port;
  private final String classpath = JavaProcesses.testClasspath();
  private Process process;

  private StandaloneBroker(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Formats a fresh log dir and starts the broker; returns once it answers an admin client. */
  public static StandaloneBroker start(Path parent) throws IOException {
    Path dir = Files.createTempDirectory(parent, "broker-");
    int port = freePort();
    int controller = freePort();
    Files.writeString(dir.resolve("server.properties"), String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controller,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + dir.resolve("data"),
        "num.partitions=1",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=4",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "transaction.state.log.num.partitions=4",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "") + "\n");
    StandaloneBroker broker = new StandaloneBroker(dir, port);
    try {
      JavaProcesses.run(List.of(JavaProcesses.java(), "-cp", broker.classpath, "kafka.tools.StorageTool", "format",
          "-t", Uuid.randomUuid().toString(), "-c", dir.resolve("server.properties").toString()),
          Duration.ofSeconds(60));
      broker.start();
      return broker;
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  /** {@code 127.0.0.1:<port>}. */
  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** The broker JVM's PID. */
  public long pid() {
    return process.pid();
  }

  /** Starts the (stopped) broker again on the same port and log dir; returns once it is ready. */
  public void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("the broker runs already");
    }
    try {
      process = new ProcessBuilder(JavaProcesses.java(), "-Xmx512m", "-cp", classpath, "kafka.Kafka",
          dir.resolve("server.properties").toString())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    await("the broker on " + bootstrap()).atMost(READY).pollInterval(Duration.ofMillis(500))
        .until(this::answers);
  }

  private boolean answers() {
    if (!process.isAlive()) {
      throw new IllegalStateException("the broker exited " + process.exitValue() + "; see " + dir.resolve("broker.log"));
    }
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000))) {
      return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
    } catch (Exception notYet) {
      return false;
    }
  }

  /** Stops the broker with SIGTERM (a clean shutdown), SIGKILL after 30 s. */
  public void stop() {
    if (process != null) {
      JavaProcesses.stopTree(process.toHandle(), Duration.ofSeconds(30));
      process = null;
    }
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
    FileTrees.deleteQuietly(dir);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
