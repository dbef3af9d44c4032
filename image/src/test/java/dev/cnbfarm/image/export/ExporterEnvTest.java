package dev.cnbfarm.image.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The app image's {@code Env}: the run image's, read by the one rule of decisions.md #9, plus the CNB variables. */
class ExporterEnvTest {
  @Test
  void runImageEnvIsSplitOnTheFirstEqualsAndEntriesWithoutANameAreDropped() {
    List<String> env = AppImageAssembler.env(List.of("PATH=/bin", "EQ=a=b=c", "BARE", "=nameless", "DUP=first", "DUP=second"),
        "0.13");

    assertThat(env).containsExactly("PATH=/cnb/process:/cnb/lifecycle:/bin", "EQ=a=b=c", "DUP=second",
        "CNB_LAYERS_DIR=/layers", "CNB_APP_DIR=/workspace", "CNB_PLATFORM_API=0.13");
  }
}
