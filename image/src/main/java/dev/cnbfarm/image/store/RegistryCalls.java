package dev.cnbfarm.image.store;

import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.http.ResponseException;
import com.google.cloud.tools.jib.registry.RegistryCredentialsNotSentException;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Jib registry calls with bounded retries and translates Jib's checked exceptions into our
 * {@link ImageStoreException}s (style.md §5): 401/403 → unauthorized (user), 404 → not found, other
 * 4xx → invalid, 5xx/429/I-O → retried, then {@link RetryableImageStoreException}. Immutable.
 */
final class RegistryCalls {
  private static final Logger log = LoggerFactory.getLogger(RegistryCalls.class);
  private final int maxAttempts;
  private final Duration initialBackoff;

  RegistryCalls(int maxAttempts, Duration initialBackoff) {
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
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
    Duration backoff = initialBackoff;
    for (int attempt = 1; ; attempt++) {
      try {
        return call.run();
      } catch (IOException | RegistryException e) {
        ImageStoreException translated = translate(what, e, attempt);
        if (!(translated instanceof RetryableImageStoreException) || attempt >= maxAttempts || !repeatable.canRepeat()) {
          throw translated;
        }
        log.warn("{} failed (attempt {}/{}), retrying in {} ms: {}", what, attempt, maxAttempts, backoff.toMillis(),
            e.getMessage());
        sleep(what, backoff, e);
        backoff = backoff.multipliedBy(2);
      }
    }
  }

  static ImageStoreException translate(String what, Exception e, int attempts) {
    if (e instanceof RegistryUnauthorizedException || e instanceof RegistryCredentialsNotSentException) {
      return new ImageStoreUnauthorizedException(what + ": unauthorized: " + e.getMessage(), e);
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
        + (status > 0 ? "HTTP " + status : e.toString()), e);
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

  private static void sleep(String what, Duration backoff, Exception cause) {
    try {
      Thread.sleep(backoff.toMillis());
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new RetryableImageStoreException(what + " interrupted while backing off", cause);
    }
  }
}
