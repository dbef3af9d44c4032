package dev.cnbfarm.lifecycle.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FailuresTest {
  /** An adapter failure as the image module's are: its own category, no phase code. */
  static final class StoreFailure extends CnbfarmException {
    private static final long serialVersionUID = 1L;
    private final Category category;

    StoreFailure(Category category, String message) {
      super(message);
      this.category = category;
    }

    @Override
    public Category category() {
      return category;
    }
  }

  @Test
  void aLifecycleFailureIsReturnedAsItIs() {
    LifecycleException failure = new LifecycleException(FailureCode.GENERATE_ERROR, "build.Dockerfile: line 2: bad");

    assertThat(Failures.classify(failure, FailureCode.EXTEND_ERROR)).isSameAs(failure);
  }

  @Test
  void anAdapterFailureGetsThePhaseCodeAndKeepsItsCategoryAndMessage() {
    LifecycleException f = Failures.classify(new StoreFailure(Category.INFRA, "pull blob x: HTTP 503"),
        FailureCode.EXTEND_ERROR);

    assertThat(f.code()).isEqualTo(FailureCode.EXTEND_ERROR);
    assertThat(f.code().exitCode()).isEqualTo(102);
    assertThat(f.category()).isEqualTo(Category.INFRA);
    assertThat(f.retryable()).isTrue();
    assertThat(f.getMessage()).isEqualTo("pull blob x: HTTP 503");
  }

  @Test
  void anAdapterFailureWrappedByAnExecutorIsStillFound() {
    LifecycleException f = Failures.classify(new CompletionException(new StoreFailure(Category.USER, "denied (HTTP 401)")),
        FailureCode.EXPORT_ERROR);

    assertThat(f.code()).isEqualTo(FailureCode.EXPORT_ERROR);
    assertThat(f.category()).isEqualTo(Category.USER);
    assertThat(f.getMessage()).isEqualTo("denied (HTTP 401)");
  }

  @Test
  void aPhaseFailureWrappingAnAdapterFailureKeepsTheAdapterCategory() {
    StoreFailure unavailable = new StoreFailure(Category.INFRA, "read x: HTTP 503");

    LifecycleException wrapped = new LifecycleException(FailureCode.EXTEND_ERROR, "cannot read x: HTTP 503", unavailable);

    assertThat(wrapped.code().exitCode()).isEqualTo(102);
    assertThat(wrapped.category()).isEqualTo(Category.INFRA);
    assertThat(new LifecycleException(FailureCode.EXTEND_ERROR, "cannot read", new IOException("x")).category())
        .isEqualTo(Category.USER);
    assertThat(new LifecycleException(FailureCode.EXTEND_ERROR, "no build image").category()).isEqualTo(Category.USER);
  }

  static List<Throwable> transientNetworkFailures() {
    return List.of(new ConnectException("Connection refused"), new SocketTimeoutException("Read timed out"),
        new SocketException("Connection reset"), new UnknownHostException("registry.invalid"),
        new HttpConnectTimeoutException("HTTP connect timed out"), new TimeoutException("no answer"),
        new UncheckedIOException(new ConnectException("Connection refused")),
        new IOException("pull failed", new SocketTimeoutException("Read timed out")));
  }

  @ParameterizedTest
  @MethodSource("transientNetworkFailures")
  void refusedConnectionsAndTimeoutsAreRetryableInfrastructure(Throwable t) {
    LifecycleException f = Failures.classify(t, FailureCode.EXPORT_ERROR);

    assertThat(f.category()).isEqualTo(Category.INFRA);
    assertThat(f.retryable()).isTrue();
    assertThat(f.code()).isEqualTo(FailureCode.EXPORT_ERROR);
    assertThat(f.getCause()).isSameAs(t);
    assertNoClassName(f.getMessage());
  }

  static List<Throwable> interrupts() {
    return List.of(new InterruptedException(), new InterruptedIOException("interrupted while compressing a layer"),
        new ClosedByInterruptException(), new CancellationException("push interrupted"),
        new IOException("interrupted while creating /x", new InterruptedException()),
        new CancelledException("pull blob x", new InterruptedException()));
  }

  @ParameterizedTest
  @MethodSource("interrupts")
  void anInterruptIsACancellationThatIsNeverRetried(Throwable t) {
    LifecycleException f = Failures.classify(t, FailureCode.EXTEND_ERROR);

    assertThat(f.category()).isEqualTo(Category.CANCELLED);
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).contains("interrupted");
    assertNoClassName(f.getMessage());
  }

  static List<Throwable> bugs() {
    return List.of(new NullPointerException(), new IllegalStateException("two layers share a digest"),
        new RuntimeException(new IOException("disk full")), new UncheckedIOException(new NoSuchFileException("/layers/x")),
        new UncheckedIOException(new AccessDeniedException("/cache/rootfs")),
        new ExecutionException(new IllegalArgumentException("java.lang.IllegalArgumentException: nested")),
        new IOException("No space left on device"), new StackOverflowError());
  }

  @ParameterizedTest
  @MethodSource("bugs")
  void anythingElseIsInternalAndItsMessageNamesNoClass(Throwable t) {
    LifecycleException f = Failures.classify(t, FailureCode.BUILD_ERROR);

    assertThat(f.category()).isEqualTo(Category.INTERNAL);
    assertThat(f.retryable()).isFalse();
    assertThat(f.code()).isEqualTo(FailureCode.BUILD_ERROR);
    assertThat(f.getMessage()).startsWith("internal error: ").doesNotContain("\n");
    assertNoClassName(f.getMessage());
  }

  @Test
  void anInternalMessageKeepsWhatAPersonNeeds() {
    assertThat(Failures.classify(new UncheckedIOException(new NoSuchFileException("/layers/x")), FailureCode.GENERIC)
        .getMessage()).isEqualTo("internal error: no such file: /layers/x");
    assertThat(Failures.classify(new RuntimeException(new IOException("disk full")), FailureCode.GENERIC).getMessage())
        .isEqualTo("internal error: disk full");
    assertThat(Failures.classify(new IllegalStateException("build.Dockerfile has no stage"), FailureCode.GENERIC)
        .getMessage()).isEqualTo("internal error: build.Dockerfile has no stage");
  }

  @Test
  void onlyInfrastructureIsRetryable() {
    assertThat(List.of(Category.values())).filteredOn(Category::retryable).containsExactly(Category.INFRA);
  }

  private static void assertNoClassName(String message) {
    assertThat(message).doesNotContainIgnoringCase("exception").doesNotContain("java.").doesNotContain("Error:");
  }
}
