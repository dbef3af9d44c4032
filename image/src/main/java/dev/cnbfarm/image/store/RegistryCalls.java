package dev.cnbfarm.image.store;

import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.http.ResponseException;
import com.google.cloud.tools.jib.registry.RegistryCredentialsNotSentException;
import dev.cnbfarm.lifecycle.failure.CancelledException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.Optional;
import org.apache.http.NoHttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Jib registry calls with bounded retries and translates Jib's checked exceptions into our
 * {@link ImageStoreException}s (style.md §5): 401/403 → unauthorized (user), 404 → not found, other
 * 4xx → invalid, 5xx/429/I-O → retried, then {@link RetryableImageStoreException}. One {@link
 * OperationDeadline} covers all attempts of an operation; a nested call shares its caller's. An
 * interrupt means cancel, during a call or during the backoff: the flag is kept and a {@link
 * CancelledException} (category CANCELLED, never retried, never a retryable error) ends the call.
 * Immutable.
 */
final class RegistryCalls {
  private static final Logger log = LoggerFactory.getLogger(RegistryCalls.class);
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration deadline;

  RegistryCalls(int maxAttempts, Duration initialBackoff) {
    this(maxAttempts, initialBackoff, RegistrySettings.defaults().operationTimeout());
  }

  RegistryCalls(int maxAttempts, Duration initialBackoff, Duration deadline) {
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.deadline = deadline;
  }

  /** A registry call; Jib's checked exceptions pass through to be classified. */
  interface Call<T> {
    T run() throws IOException, RegistryException;
  }

  /** Whether a failed attempt may be repeated (false once bytes reached a caller's stream). */
  interface Repeatable {
    boolean canRepeat();
  }

  <T> T run(String what, Call<T> call) {
    return run(what, call, () -> true);
  }

  <T> T run(String what, Call<T> call, Repeatable repeatable) {
    Optional<OperationDeadline> started = OperationDeadline.start(deadline);
    try {
      return attempts(what, call, repeatable, OperationDeadline.current().orElseThrow());
    } finally {
      started.ifPresent(OperationDeadline::close);
    }
  }

  private <T> T attempts(String what, Call<T> call, Repeatable repeatable, OperationDeadline d) {
    Duration backoff = initialBackoff;
    for (int attempt = 1; ; attempt++) {
      try {
        return call.run();
      } catch (IOException | RegistryException e) {
        if (Thread.currentThread().isInterrupted() || isInterrupt(e)) {
          Thread.currentThread().interrupt();
          throw interrupted(what, e);
        }
        if (d.expired()) {
          throw new RetryableImageStoreException(what + ": no answer within the " + seconds(d.limit())
              + " deadline of the operation (" + RegistrySettings.ENV_TIMEOUT + "), after " + attempt
              + " attempt(s)", e);
        }
        ImageStoreException translated = translate(what, e, attempt);
        if (!(translated instanceof RetryableImageStoreException) || attempt >= maxAttempts || !repeatable.canRepeat()) {
          throw translated;
        }
        if (d.remaining().compareTo(backoff) <= 0) {
          throw new RetryableImageStoreException(translated.getMessage() + "; no time left for another attempt"
              + " within the " + seconds(d.limit()) + " deadline (" + RegistrySettings.ENV_TIMEOUT + ")", e);
        }
        log.warn("{} failed (attempt {}/{}), retrying in {} ms: {}", what, attempt, maxAttempts, backoff.toMillis(),
            e.getMessage());
        sleep(what, backoff, e);
        backoff = backoff.multipliedBy(2);
      }
    }
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /** An I/O call cut short by an interrupt (which may have cleared the flag); its timeout subclasses are not. */
  private static boolean isInterrupt(Exception e) {
    return e.getClass() == InterruptedIOException.class || e instanceof ClosedByInterruptException;
  }

  private static CancelledException interrupted(String what, Exception cause) {
    return new CancelledException(what, cause);
  }

  static ImageStoreException translate(String what, Exception e, int attempts) {
    if (e instanceof RegistryUnauthorizedException || e instanceof RegistryCredentialsNotSentException) {
      return new ImageStoreUnauthorizedException(what + ": unauthorized: " + e.getMessage(), e);
    }
    // Jib's UnexpectedBlobDigestException is package-private: known by name only, and it may come
    // wrapped (a blob's writeTo rethrows it as the cause of an IOException)
    Optional<Throwable> digestMismatch = causeNamed(e, "UnexpectedBlobDigestException");
    if (digestMismatch.isPresent()) {
      return new InvalidImageException(what + ": " + digestMismatch.get().getMessage(), e);
    }
    if (e instanceof OversizedBodyException || e.getCause() instanceof OversizedBodyException) {
      return new InvalidImageException(what + ": " + e.getMessage(), e);
    }
    if (e instanceof InsecureRegistryException) {
      return new InvalidImageException(what + ": the registry does not speak verified HTTPS; list it as insecure if"
          + " that is intended", e);
    }
    int status = status(e);
    if (status == 401 || status == 403) {
      return new ImageStoreUnauthorizedException(what + ": denied (HTTP " + status + ")", e);
    }
    if (status == 404) {
      return new ImageNotFoundException(what + ": not found", e);
    }
    if (status >= 400 && status < 500 && status != 408 && status != 429) {
      return new InvalidImageException(what + ": rejected (HTTP " + status + "): " + e.getMessage(), e);
    }
    return new RetryableImageStoreException(what + " failed after " + attempts + " attempt(s): "
        + (status > 0 ? "HTTP " + status : describe(e)), e);
  }

  /** The first throwable in {@code e}'s cause chain whose class has the simple name {@code name}. */
  private static Optional<Throwable> causeNamed(Throwable e, String name) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getClass().getSimpleName().equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The HTTP status of the first {@link ResponseException} in the cause chain, or 0. */
  private static int status(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ResponseException r) {
        return r.getStatusCode();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return 0;
  }

  /** The cause as a person reads it: the message, or what kind of I/O failure it was. */
  private static String describe(Exception e) {
    if (e instanceof SocketTimeoutException) {
      return "no answer within the read timeout (" + RegistrySettings.ENV_READ_TIMEOUT + ")";
    }
    if (e instanceof NoHttpResponseException || e instanceof EOFException) {
      return "the registry closed the connection without an answer";
    }
    if (e instanceof ConnectException) {
      return "cannot connect: " + e.getMessage();
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? "I/O failure" : message;
  }

  private static void sleep(String what, Duration backoff, Exception cause) {
    try {
      Thread.sleep(backoff.toMillis());
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      CancelledException cancelled = interrupted(what, ie);
      cancelled.addSuppressed(cause);
      throw cancelled;
    }
  }
}
