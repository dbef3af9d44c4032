package dev.cnbfarm.cli.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GoFlagsTest {
  private static final Set<String> STRINGS = Set.of("app", "layers");
  private static final Set<String> BOOLS = Set.of("no-color");

  @Test
  void acceptsEveryGoSpelling() {
    GoFlags f = GoFlags.parse(new String[] {"-app", "/a", "--layers=/l", "-no-color", "rest", "-x"}, STRINGS, BOOLS);
    assertThat(f.values()).containsEntry("app", "/a").containsEntry("layers", "/l").containsEntry("no-color", "true");
    assertThat(f.positional()).containsExactly("rest", "-x");
  }

  @Test
  void stopsAtDoubleDash() {
    GoFlags f = GoFlags.parse(new String[] {"-app", "/a", "--", "-layers"}, STRINGS, BOOLS);
    assertThat(f.positional()).containsExactly("-layers");
  }

  @Test
  void rejectsUnknownFlagWithInvalidArgsCode() {
    assertThatThrownBy(() -> GoFlags.parse(new String[] {"-bogus", "x"}, STRINGS, BOOLS))
        .isInstanceOf(LifecycleException.class).hasMessageContaining("-bogus")
        .extracting(e -> ((LifecycleException) e).code()).isEqualTo(FailureCode.INVALID_ARGS);
  }

  @Test
  void rejectsStringFlagWithoutValue() {
    assertThatThrownBy(() -> GoFlags.parse(new String[] {"-app"}, STRINGS, BOOLS))
        .hasMessageContaining("flag needs an argument: -app");
  }
}
