package dev.cnbfarm.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.layer.InvalidLayerEntryException;
import dev.cnbfarm.image.ref.InvalidImageRefException;
import dev.cnbfarm.lifecycle.failure.CancelledException;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one failure mapper: exit code and one {@code ERROR:} line per kind of failure, never a class name. */
class FailuresTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @Command(name = "probe", description = "throws what it is given")
  final class Probe implements Callable<Integer>, FailurePolicy {
    private final Exception failure;
    private boolean flushed;

    Probe(Exception failure) {
      this.failure = failure;
    }

    @Override
    public Integer call() throws Exception {
      throw failure;
    }

    @Override
    public PrintStream errors() {
      return out;
    }

    @Override
    public String name() {
      return "probe";
    }

    @Override
    public int failureExit() {
      return 7;
    }

    @Override
    public void beforeError() {
      flushed = true;
    }
  }

  private int fail(Exception e) {
    return Failures.install(new CommandLine(new Probe(e)), out).execute();
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aLifecycleExceptionExitsWithItsCodeAndMessage() {
    assertThat(fail(new LifecycleException(FailureCode.REBASE_ERROR, "refused: use --force"))).isEqualTo(72);
    assertThat(printed()).isEqualTo("ERROR: refused: use --force\n");
  }

  @Test
  void anImageReferenceErrorPrintsItsMessageWithTheCommandsFailureExit() {
    assertThat(fail(new InvalidImageRefException("A", "uppercase"))).isEqualTo(7);
    assertThat(printed()).isEqualTo("ERROR: invalid image reference 'A': uppercase\n");
  }

  @Test
  void anyFailureOfOursPrintsItsOwnMessageWithTheCommandsFailureExit() {
    assertThat(fail(new InvalidLayerEntryException("../etc/passwd", "escapes the root"))).isEqualTo(7);
    assertThat(printed()).startsWith("ERROR: ").doesNotContain("probe failed").contains("../etc/passwd");
  }

  @Test
  void aCancelledCommandExits130AndSaysSo() {
    assertThat(fail(new CancelledException("pull of blob sha256:ab", new InterruptedException())))
        .isEqualTo(Failures.CANCELLED_EXIT);
    assertThat(printed()).isEqualTo("ERROR: probe cancelled: pull of blob sha256:ab interrupted\n");
  }

  @Test
  void anyOtherFailureNamesTheCommandAndNoClass() {
    assertThat(fail(new IllegalStateException("boom"))).isEqualTo(7);
    assertThat(printed()).isEqualTo("ERROR: probe failed: boom\n");
  }

  @Test
  void aWrappedCauseIsDescribedByItsMessageNotItsClass() {
    assertThat(fail(new UncheckedIOException(new NoSuchFileException("/x/y")))).isEqualTo(7);
    assertThat(printed()).isEqualTo("ERROR: probe failed: /x/y: no such file or directory\n");
    bytes.reset();
    assertThat(fail(new IOException("disk full", new IOException("ENOSPC")))).isEqualTo(7);
    assertThat(printed()).isEqualTo("ERROR: probe failed: disk full: ENOSPC\n");
  }

  @Test
  void aFailureWithoutAMessageIsAnInternalError() {
    assertThat(fail(new NullPointerException())).isEqualTo(7);
    assertThat(printed()).isEqualTo("ERROR: probe failed: internal error\n");
  }

  @Test
  void theCommandPrintsWhatItHeldBeforeTheErrorLine() {
    Probe probe = new Probe(new IllegalStateException("x"));
    Failures.install(new CommandLine(probe), out).execute();
    assertThat(probe.flushed).isTrue();
  }
}
