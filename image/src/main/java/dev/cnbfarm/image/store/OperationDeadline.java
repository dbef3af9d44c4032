package dev.cnbfarm.image.store;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one deadline of a registry operation (all its attempts and HTTP requests), carried by the
 * calling thread: Apache's blocking client opens its sockets on that thread, {@link RegistryHttp}
 * registers them here, and when the deadline passes a daemon timer closes them. Closing is the
 * only way to stop a write to a registry that stopped reading: TCP writes have no timeout of their
 * own. Also carries the {@code Docker-Content-Digest} of the last manifest response. Thread-safe.
 */
final class OperationDeadline implements AutoCloseable {
  private static final ThreadLocal<OperationDeadline> CURRENT = new ThreadLocal<>();
  private static final ScheduledExecutorService TIMER = timer();

  private final Duration limit;
  private final long endNanos;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final ScheduledFuture<?> expiry;
  private volatile boolean expired;
  private volatile String manifestDigestHeader;

  private OperationDeadline(Duration limit) {
    this.limit = limit;
    this.endNanos = System.nanoTime() + limit.toNanos();
    this.expiry = TIMER.schedule(this::expire, limit.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Starts a deadline on this thread, or empty when an enclosing operation's deadline applies. */
  static Optional<OperationDeadline> start(Duration limit) {
    if (CURRENT.get() != null) {
      return Optional.empty();
    }
    OperationDeadline d = new OperationDeadline(limit);
    CURRENT.set(d);
    return Optional.of(d);
  }

  /** The deadline of the operation running on this thread, if any. */
  static Optional<OperationDeadline> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  Duration limit() {
    return limit;
  }

  boolean expired() {
    return expired || System.nanoTime() - endNanos >= 0;
  }

  /** What is left of the deadline (zero once it passed). */
  Duration remaining() {
    long left = endNanos - System.nanoTime();
    return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
  }

  void register(Socket socket) {
    sockets.add(socket);
    if (expired) {
      closeQuietly(socket);
    }
  }

  void manifestDigestHeader(String value) {
    manifestDigestHeader = value;
  }

  /** The {@code Docker-Content-Digest} of the last manifest response, taken (cleared) by the read. */
  Optional<String> takeManifestDigestHeader() {
    String value = manifestDigestHeader;
    manifestDigestHeader = null;
    return Optional.ofNullable(value);
  }

  private void expire() {
    expired = true;
    sockets.forEach(OperationDeadline::closeQuietly);
  }

  @Override
  public void close() {
    expiry.cancel(false);
    sockets.clear();
    CURRENT.remove();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // the socket is being abandoned; nothing more can be done with it
    }
  }

  private static ScheduledExecutorService timer() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "cnbfarm-registry-deadline");
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }
}
