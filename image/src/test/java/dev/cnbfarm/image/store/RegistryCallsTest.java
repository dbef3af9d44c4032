package dev.cnbfarm.image.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
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
    })).isInstanceOf(CancellationException.class).isNotInstanceOf(RetryableImageStoreException.class)
        .hasMessageContaining("pull blob x").hasMessageContaining("interrupted");
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(attempts.get()).isEqualTo(1);
  }
}
