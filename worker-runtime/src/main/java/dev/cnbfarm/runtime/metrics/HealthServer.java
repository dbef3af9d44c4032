package dev.cnbfarm.runtime.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * A worker's HTTP endpoints (JDK {@code HttpServer}, no framework): {@code /metrics} in the
 * Prometheus text format, {@code /healthz} (200 while the loop runs, else 503) and {@code /readyz}
 * (200 once the loop has joined its group). Bound to the loopback address unless told otherwise
 * ({@code CNBFARM_METRICS_ADDRESS}): a kubelet's probes and a Prometheus scrape come to the pod's
 * IP, so a pod sets {@code 0.0.0.0}. Thread-safe; stopped by {@link #close}.
 */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  private HealthServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** {@link #start(InetAddress, int, PrometheusMeterRegistry, BooleanSupplier, BooleanSupplier)} on 127.0.0.1. */
  public static Optional<HealthServer> start(int port, PrometheusMeterRegistry registry, BooleanSupplier alive,
      BooleanSupplier ready) {
    return start(InetAddress.getLoopbackAddress(), port, registry, alive, ready);
  }

  /**
   * Starts serving on {@code address}:{@code port} ({@code CNBFARM_METRICS_ADDRESS}, {@code
   * CNBFARM_METRICS_PORT}: 0 any free port); empty for a negative port (off).
   */
  public static Optional<HealthServer> start(InetAddress address, int port, PrometheusMeterRegistry registry,
      BooleanSupplier alive, BooleanSupplier ready) {
    if (port < 0) {
      return Optional.empty();
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(address, port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address.getHostAddress() + ":" + port + ": "
          + e.getMessage(), e);
    }
    server.createContext("/metrics", x -> respond(x, "/metrics", 200, registry.scrape(),
        "text/plain; version=0.0.4; charset=utf-8"));
    server.createContext("/healthz", x -> probe(x, "/healthz", alive));
    server.createContext("/readyz", x -> probe(x, "/readyz", ready));
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "cnbfarm-health");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.start();
    return Optional.of(new HealthServer(server, executor));
  }

  /** The port served (the one chosen when 0 was asked). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The address listened on ({@code 0.0.0.0} or {@code ::}: every interface). */
  public InetAddress address() {
    return server.getAddress().getAddress();
  }

  /** {@code path} on this server, through the loopback when it listens on every interface. */
  public URI uri(String path) {
    InetAddress a = address();
    String host = a.isAnyLocalAddress() ? "127.0.0.1"
        : a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
    return URI.create("http://" + host + ":" + port() + path);
  }

  private static void probe(HttpExchange x, String path, BooleanSupplier check) throws IOException {
    boolean ok = check.getAsBoolean();
    respond(x, path, ok ? 200 : 503, ok ? "ok\n" : "unavailable\n", "text/plain; charset=utf-8");
  }

  private static void respond(HttpExchange x, String path, int status, String body, String type) throws IOException {
    try (x) {
      boolean known = x.getRequestURI().getPath().equals(path);
      boolean get = x.getRequestMethod().equals("GET") || x.getRequestMethod().equals("HEAD");
      byte[] bytes = (known && get ? body : known ? "method not allowed\n" : "not found\n")
          .getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().set("Content-Type", known && get ? type : "text/plain; charset=utf-8");
      x.sendResponseHeaders(known && get ? status : known ? 405 : 404, x.getRequestMethod().equals("HEAD") ? -1
          : bytes.length);
      if (!x.getRequestMethod().equals("HEAD")) {
        try (OutputStream out = x.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
