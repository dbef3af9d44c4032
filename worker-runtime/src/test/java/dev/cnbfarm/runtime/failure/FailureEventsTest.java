package dev.cnbfarm.runtime.failure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.schemas.BuildFailed;
import dev.cnbfarm.schemas.FailureCategory;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FailureEventsTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T00:00:00Z"), ZoneOffset.UTC);
  private static final FailureEvents.Envelope INPUT = new FailureEvents.Envelope("e", "b1", 2);

  @Test
  void aLifecycleFailureKeepsItsCodeExitAndCategory() {
    BuildFailed failed = FailureEvents.of(INPUT, "extend-build", new LifecycleException(FailureCode.BUILD_FAILED,
        "buildpack samples/hello failed"), FailureCode.EXTEND_ERROR, "last line", 0, "w1", CLOCK);

    assertThat(failed.getExitCode()).isEqualTo(51);
    assertThat(failed.getCategory()).isEqualTo(FailureCategory.OUTCOME);
    assertThat(failed.getMessage()).isEqualTo("buildpack samples/hello failed");
    assertThat(failed.getLogExcerpt()).isEqualTo("last line");
    assertThat(failed.getAttempt()).isEqualTo(2);
    assertThat(failed.getEventId()).isEqualTo(FailureEvents.of(INPUT, "x", FailureCode.GENERIC, Category.USER, "m",
        "", 0, "w2", CLOCK).getEventId());
  }

  @Test
  void aNetworkFailureIsInfraWithThePhaseExitCodeAndNoClassName() {
    BuildFailed failed = FailureEvents.of(INPUT, "extend-run", new ConnectException("Connection refused"),
        FailureCode.EXTEND_ERROR, "", 4, "w1", CLOCK);

    assertThat(failed.getExitCode()).isEqualTo(102);
    assertThat(failed.getCategory()).isEqualTo(FailureCategory.INFRA);
    assertThat(failed.getMessage()).doesNotContain("Exception").contains("Connection refused");
    assertThat(failed.getLogExcerpt()).isNull();
    assertThat(failed.getRetries()).isEqualTo(4);
  }

  @Test
  void backoffDoublesUpToItsMaxAndRetriesStopAtTheDeadline() {
    RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(350), Duration.ofSeconds(1));

    assertThat(p.backoff(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(p.backoff(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(p.backoff(3)).isEqualTo(Duration.ofMillis(350));
    assertThat(p.mayRetry(1, Duration.ZERO)).isTrue();
    assertThat(p.mayRetry(3, Duration.ofMillis(700))).isFalse();
    assertThat(p.mayRetry(10, Duration.ZERO)).isFalse();
  }
}
