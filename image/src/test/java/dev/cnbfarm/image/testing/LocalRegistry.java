package dev.cnbfarm.image.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real OCI distribution registry for tests: Debian's {@code docker-registry} serving a temp
 * directory on {@code 127.0.0.1} and a free port, with its own config (never the shipped one,
 * which listens on all interfaces with htpasswd auth). {@link #close()} stops it by PID and
 * deletes its storage. Not thread-safe to start/close; safe to use from many tests once started.
 */
public final class LocalRegistry implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/docker-registry");

  private final Process process;
  private final Path dir;
  private final int port;

  private LocalRegistry(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** Starts a registry and waits until {@code GET /v2/} answers 200 (about 0.2 s). */
  public static LocalRegistry start() {
    return start(BINARY);
  }

  /** Starts the registry binary at {@code binary}; fails (never skips) when it is missing. */
  static LocalRegistry start(Path binary) {
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(binary + " is missing: run 'apt-get install -y --no-install-recommends "
          + "docker-registry' (CI installs it; these tests need a real registry)");
    }
    try {
      Path dir = Files.createTempDirectory("cnbfarm-registry-");
      int port = freePort();
      Path config = dir.resolve("config.yml");
      Files.writeString(config, String.join("\n",
          "version: 0.1",
          "log: {level: warn, accesslog: {disabled: true}}",
          "storage: {filesystem: {rootdirectory: " + dir.resolve("data") + "}, delete: {enabled: true}}",
          "http: {addr: 127.0.0.1:" + port + "}",
          ""));
      Process process = new ProcessBuilder(binary.toString(), "serve", config.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
      LocalRegistry registry = new LocalRegistry(process, dir, port);
      registry.awaitReady();
      return registry;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + binary, e);
    }
  }

  /** {@code 127.0.0.1:<port>}, the registry part of image references. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI uri() {
    return URI.create("http://" + host());
  }

  /** The registry's process id. */
  public long pid() {
    return process.pid();
  }

  private void awaitReady() throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String log = Files.readString(dir.resolve("registry.log"));
        close();
        throw new IllegalStateException("docker-registry exited " + process.exitValue() + ":\n" + log);
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri().resolve("/v2/")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new IllegalStateException("interrupted while waiting for the registry", e);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new IllegalStateException("interrupted while waiting for the registry", e);
      }
    }
    close();
    throw new IllegalStateException("docker-registry did not answer GET /v2/ within 15 s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp dir is harmless
    }
  }
}
