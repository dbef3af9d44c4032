package dev.cnbfarm.lifecycle.extend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** decisions.md #9: the image config's {@code Env} is split on the first '='. */
class ImageEnvTest {
  private static final List<String> ENV = List.of("PATH=/bin", "EQ=a=b=c", "BARE", "=nameless", "DUP=first",
      "EMPTY=", "DUP=second");

  @Test
  void splitsOnTheFirstEqualsDropsEntriesWithoutANameAndTheLaterDuplicateWins() {
    assertThat(ImageEnv.parse(ENV)).containsExactly(Map.entry("PATH", "/bin"), Map.entry("EQ", "a=b=c"),
        Map.entry("DUP", "second"), Map.entry("EMPTY", ""));
  }

  @Test
  void getFollowsTheSameRule() {
    assertThat(ImageEnv.get(ENV, "EQ")).contains("a=b=c");
    assertThat(ImageEnv.get(ENV, "DUP")).contains("second");
    assertThat(ImageEnv.get(ENV, "EMPTY")).contains("");
    assertThat(ImageEnv.get(ENV, "BARE")).isEmpty();
    assertThat(ImageEnv.get(ENV, "")).isEmpty();
  }

  @Test
  void formatWritesTheVariablesBackInOrder() {
    assertThat(ImageEnv.format(ImageEnv.parse(ENV))).containsExactly("PATH=/bin", "EQ=a=b=c", "DUP=second", "EMPTY=");
  }
}
