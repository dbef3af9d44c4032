package dev.cnbfarm.image.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.lifecycle.failure.CancelledException;
import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.CnbfarmException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RegistryCallsTest {
  final AtomicInteger attempts = new AtomicInteger();

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void anInterruptDuringBackoffStaysAnInterruptAndIsNotRetryable() {
    RegistryCalls calls = new RegistryCalls(5, Duration.ofSeconds(30));
    Thread.currentThread().interrupt();

    assertThatThrownBy(() -> calls.run("pull blob x", () -> {
      attempts.incrementAndGet();
      throw new IOException("connection reset");
    })).isInstanceOf(CancelledException.class).isNotInstanceOf(RetryableImageStoreException.class)
        .hasMessageContaining("pull blob x").hasMessageContaining("interrupted");
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(attempts.get()).isEqualTo(1);
  }

  @Test
  void anInterruptWhileSleepingBeforeTheNextAttemptCancelsTheCall() throws Exception {
    RegistryCalls calls = new RegistryCalls(5, Duration.ofSeconds(30));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> flagKept = new AtomicReference<>();
    Thread caller = new Thread(() -> {
      try {
        calls.run("pull blob x", () -> {
          attempts.incrementAndGet();
          throw new IOException("HTTP 503");
        });
      } catch (RuntimeException e) {
        thrown.set(e);
      }
      flagKept.set(Thread.currentThread().isInterrupted());
    });
    caller.start();
    while (caller.getState() != Thread.State.TIMED_WAITING) {
      Thread.sleep(5);
    }
    caller.interrupt();
    caller.join();

    assertThat(thrown.get()).isInstanceOf(CancelledException.class).hasMessage("pull blob x interrupted")
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(((CnbfarmException) thrown.get()).category()).isEqualTo(Category.CANCELLED);
    assertThat(((CnbfarmException) thrown.get()).retryable()).isFalse();
    assertThat(flagKept.get()).isTrue();
    assertThat(attempts.get()).isEqualTo(1);
  }

  @Test
  void anIoCallCutShortByAnInterruptIsACancellationEvenWhenTheFlagWasCleared() {
    RegistryCalls calls = new RegistryCalls(5, Duration.ofMillis(1));

    assertThatThrownBy(() -> calls.run("push blob y", () -> {
      attempts.incrementAndGet();
      throw new InterruptedIOException();
    })).isInstanceOf(CancelledException.class).hasMessage("push blob y interrupted");
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(attempts.get()).isEqualTo(1);
  }
}
