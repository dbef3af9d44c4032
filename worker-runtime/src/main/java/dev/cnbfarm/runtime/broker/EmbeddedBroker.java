package dev.cnbfarm.runtime.broker;

import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka 4.3 KRaft broker (broker and controller combined) running in this JVM, for
 * the one-shot build (design.md §7). It listens on 127.0.0.1 only, keeps its logs in a directory
 * it creates and deletes on {@link #close()}, and is configured for one node: internal topics
 * with replication 1 and min.isr 1 (so consumer groups and the export join's exactly-once
 * transactions work), one partition for them (fast first use), no initial rebalance delay.
 * Thread-safe; close it once.
 */
public final class EmbeddedBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);
  private static final String HOST = "127.0.0.1";
  private static final int BIND_TRIES = 3;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaRaftServer server;
  private final Path dir;
  private final String bootstrap;
  private final Duration startup;
  private boolean closed;

  private EmbeddedBroker(KafkaRaftServer server, Path dir, String bootstrap, Duration startup) {
    this.server = server;
    this.dir = dir;
    this.bootstrap = bootstrap;
    this.startup = startup;
  }

  /** Starts a broker on a free port of 127.0.0.1. */
  public static EmbeddedBroker start() {
    return start(0);
  }

  /**
   * Starts a broker on {@code port} of 127.0.0.1 (0: a free one) and returns once it accepts
   * clients.
   *
   * @throws LifecycleException (INFRA) when the broker cannot start or become ready
   */
  public static EmbeddedBroker start(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, got " + port);
    }
    BrokerLogging.quiet();
    long t0 = System.nanoTime();
    for (int tryNo = 1; ; tryNo++) {
      Path dir = createDir();
      try {
        int brokerPort = port == 0 ? freePort() : port;
        int controllerPort = freePort();
        KafkaRaftServer server = startIn(dir, brokerPort, controllerPort);
        String bootstrap = HOST + ":" + brokerPort;
        awaitReady(server, bootstrap, dir);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        log.info("embedded Kafka broker ready at {} in {} ms", bootstrap, took.toMillis());
        return new EmbeddedBroker(server, dir, bootstrap, took);
      } catch (RuntimeException e) {
        deleteTree(dir);
        // a free port may be taken between the probe and the bind: pick again, a few times
        if (port != 0 || tryNo >= BIND_TRIES || !causedByBind(e)) {
          throw e instanceof LifecycleException le ? le : failure("cannot start the embedded Kafka broker", e);
        }
      }
    }
  }

  /** The {@code bootstrap.servers} of this broker: {@code 127.0.0.1:<port>}. */
  public String bootstrap() {
    return bootstrap;
  }

  /** How long {@link #start()} took, from formatting storage to the first answered request. */
  public Duration startupTime() {
    return startup;
  }

  /** Stops the broker and deletes its log directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      deleteTree(dir);
    }
  }

  private static KafkaRaftServer startIn(Path dir, int brokerPort, int controllerPort) {
    KafkaConfig config = new KafkaConfig(properties(dir, brokerPort, controllerPort), false);
    format(config);
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      server.startup();
    } catch (RuntimeException e) {
      shutdownQuietly(server);
      throw e;
    }
    return server;
  }

  static Properties properties(Path dir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.putAll(Map.ofEntries(
        Map.entry("process.roles", "broker,controller"),
        Map.entry("node.id", "1"),
        Map.entry("controller.quorum.voters", "1@" + HOST + ":" + controllerPort),
        Map.entry("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort),
        Map.entry("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort),
        Map.entry("controller.listener.names", "CONTROLLER"),
        Map.entry("inter.broker.listener.name", "PLAINTEXT"),
        Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
        Map.entry("log.dirs", dir.resolve("data").toString()),
        // one node: every internal topic has one replica, and one in-sync replica suffices
        Map.entry("offsets.topic.replication.factor", "1"),
        Map.entry("offsets.topic.num.partitions", "1"),
        Map.entry("transaction.state.log.replication.factor", "1"),
        Map.entry("transaction.state.log.min.isr", "1"),
        Map.entry("transaction.state.log.num.partitions", "1"),
        Map.entry("share.coordinator.state.topic.replication.factor", "1"),
        Map.entry("share.coordinator.state.topic.min.isr", "1"),
        Map.entry("default.replication.factor", "1"),
        Map.entry("min.insync.replicas", "1"),
        Map.entry("group.initial.rebalance.delay.ms", "0"),
        Map.entry("auto.create.topics.enable", "false"),
        // the cleaner's default 128 MiB dedupe buffer is sized for a farm, not one build
        Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024)),
        Map.entry("log.cleaner.threads", "1")));
    return p;
  }

  private static void format(KafkaConfig config) {
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(config.nodeId())
          .setClusterId(Uuid.randomUuid().toString())
          .setControllerListenerName("CONTROLLER")
          .setMetadataLogDirectory(config.metadataLogDir())
          .setDirectories(config.logDirs())
          .run();
    } catch (Exception e) {
      throw failure("cannot format the embedded broker's storage", e);
    }
  }

  private static void awaitReady(KafkaRaftServer server, String bootstrap, Path dir) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(READY_TIMEOUT.toMillis()));
    try (Admin admin = Admin.create(p)) {
      admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      shutdownQuietly(server);
      throw failure("interrupted while the embedded broker started", e);
    } catch (Exception e) {
      shutdownQuietly(server);
      throw failure("the embedded broker at " + bootstrap + " did not answer within " + READY_TIMEOUT.toSeconds()
          + " s", e);
    }
  }

  private static void shutdownQuietly(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      log.debug("embedded broker shutdown after a failed start: {}", e.getMessage());
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw failure("no free port on " + HOST, e);
    }
  }

  private static boolean causedByBind(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  private static Path createDir() {
    try {
      return Files.createTempDirectory("cnbfarm-kafka-");
    } catch (IOException e) {
      throw failure("cannot create the embedded broker's log directory", e);
    }
  }

  static void deleteTree(Path dir) {
    // the server's last background writes (checkpoints, a log cleaner's files) can land just after
    // awaitShutdown returns: walk again until the dir is gone, for a bounded while
    IOException last = null;
    for (int attempt = 0; attempt < 50 && Files.exists(dir); attempt++) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException | UncheckedIOException e) {
        last = e instanceof IOException io ? io : ((UncheckedIOException) e).getCause();
        try {
          Thread.sleep(100);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    if (Files.exists(dir)) {
      log.warn("could not delete the embedded broker's directory {}: {}", dir,
          last == null ? "still there" : last.getMessage());
    }
  }


  private static LifecycleException failure(String message, Throwable cause) {
    String detail = cause.getMessage() == null ? "" : ": " + cause.getMessage();
    return new LifecycleException(FailureCode.GENERIC, Category.INFRA, message + detail, cause);
  }
}
