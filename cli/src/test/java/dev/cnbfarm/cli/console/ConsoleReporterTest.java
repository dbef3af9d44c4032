package dev.cnbfarm.cli.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsoleReporterTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void holdsDebugLinesAtInfoAndPrintsThemOnFlush() {
    ConsoleReporter r = new ConsoleReporter(out, "info");
    r.debug("fail: a@1 (detect exited 100 (fail))");
    r.info("pass: b@1");
    assertThat(printed()).isEqualTo("pass: b@1\n");
    r.flushHeld();
    assertThat(printed()).isEqualTo("pass: b@1\nfail: a@1 (detect exited 100 (fail))\n");
  }

  @Test
  void prefixesWarningsAndErrorsLikeTheReference() {
    ConsoleReporter r = new ConsoleReporter(out, "warn");
    r.info("hidden");
    r.warn("careful");
    r.error("broken");
    assertThat(printed()).isEqualTo("Warning: careful\nERROR: broken\n");
  }

  @Test
  void rejectsUnknownLevel() {
    assertThatThrownBy(() -> new ConsoleReporter(out, "loud")).hasMessageContaining("log level 'loud'");
  }
}
