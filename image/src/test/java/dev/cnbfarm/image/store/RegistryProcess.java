package dev.cnbfarm.image.store;

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
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code docker-registry} as a child process, for benchmarks and tests: our own config file (never
 * the shipped one, which listens on every interface with htpasswd auth), {@code 127.0.0.1} on a
 * free port, storage in a directory the caller keeps, so pushed images survive between runs.
 * {@link #close()} stops exactly this process, by its PID. Not thread-safe.
 */
public final class RegistryProcess implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/docker-registry");

  private final Process process;
  private final Path log;
  private final int port;

  private RegistryProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts a registry whose config, log and {@code data/} live under {@code dir}, and waits until
   * {@code GET /v2/} answers 200.
   */
  public static RegistryProcess start(Path dir) {
    return start(BINARY, dir);
  }

  /** As {@link #start(Path)} with the registry binary at {@code binary}; a missing one fails, naming the package. */
  public static RegistryProcess start(Path binary, Path dir) {
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(binary + " is missing: run 'apt-get install -y --no-install-recommends "
          + "docker-registry'");
    }
    try {
      Files.createDirectories(dir.resolve("data"));
      int port = freePort();
      Path config = dir.resolve("config.yml");
      Files.writeString(config, String.join("\n",
          "version: 0.1",
          "log: {level: warn, accesslog: {disabled: true}}",
          "storage: {filesystem: {rootdirectory: " + dir.resolve("data").toAbsolutePath() + "}, delete: {enabled: true}}",
          "http: {addr: 127.0.0.1:" + port + "}",
          ""));
      Path log = dir.resolve("registry.log");
      Process process = new ProcessBuilder(binary.toString(), "serve", config.toString())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      RegistryProcess registry = new RegistryProcess(process, log, port);
      try {
        registry.awaitReady();
      } catch (RuntimeException e) {
        registry.close();
        throw e;
      }
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

  public long pid() {
    return process.pid();
  }

  private void awaitReady() throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    URI v2 = uri().resolve("/v2/");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("docker-registry exited " + process.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        if (http.send(HttpRequest.newBuilder(v2).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the registry", e);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the registry", e);
      }
    }
    throw new IllegalStateException("docker-registry did not answer GET /v2/ within 15 s (log: " + log + ")");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Stops the registry (SIGTERM, then SIGKILL after 5 s); its storage stays. */
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
  }
}
