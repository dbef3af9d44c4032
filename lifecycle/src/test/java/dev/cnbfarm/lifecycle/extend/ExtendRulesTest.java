package dev.cnbfarm.lifecycle.extend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.ExtendConfig.BuildArg;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExtendRulesTest {
  private static final Function<String, Optional<String>> FILES = path -> switch (path) {
    case "/etc/passwd" -> Optional.of("root:x:0:0:root:/root:/bin/sh\ncnb:x:1000:1001:CNB:/home/cnb:/bin/sh\n");
    case "/etc/group" -> Optional.of("root:x:0:\ncnb:x:1001:\nstaff:x:50:\n");
    default -> Optional.empty();
  };

  @ParameterizedTest(name = "User \"{0}\" is {1}:{2}")
  @CsvSource({"'',0,0", "1000,1000,1001", "2000,2000,2000", "1000:50,1000,50", "cnb,1000,1001", "cnb:staff,1000,50",
      "0,0,0", "root,0,0"})
  void resolvesImageUserToNumbers(String user, int uid, int gid) {
    assertThat(ImageUser.resolve(user, FILES)).isEqualTo(new ImageUser(uid, gid));
  }

  @Test
  void unknownUserNameIsAnErrorNamingIt() {
    assertThatThrownBy(() -> ImageUser.resolve("nobody-here", FILES)).isInstanceOf(LifecycleException.class)
        .hasMessageContaining("'nobody-here'").extracting(e -> ((LifecycleException) e).code())
        .isEqualTo(FailureCode.EXTEND_ERROR);
  }

  @Test
  void buildArgsPutTheLifecyclesBaseImageLast() {
    Map<String, String> args = BuildArgs.of("uuid-1", new ImageUser(1000, 1001),
        List.of(new BuildArg("PACKAGES", "curl"), new BuildArg("base_image", "evil")), "registry/run@sha256:abc");
    assertThat(args).containsExactly(Map.entry("build_id", "uuid-1"), Map.entry("user_id", "1000"),
        Map.entry("group_id", "1001"), Map.entry("PACKAGES", "curl"), Map.entry("base_image", "registry/run@sha256:abc"));
  }

  @Test
  void rebasableIsResetBeforeEachRunDockerfile() {
    Map<String, String> start = RunImageRules.labelsBeforeDockerfile(Map.of(RunImageRules.REBASABLE, "true", "a", "b"));
    assertThat(start).containsEntry(RunImageRules.REBASABLE, "false").containsEntry("a", "b");
    assertThat(RunImageRules.rebasable(start)).isFalse();
    assertThat(RunImageRules.rebasable(Map.of(RunImageRules.REBASABLE, "true"))).isTrue();
  }

  @Test
  void finalRootUserOnTheRunImageIsAnError() {
    assertThatThrownBy(() -> RunImageRules.requireNonRootFinalUser(ImageUser.ROOT, "ext/curl"))
        .hasMessageContaining("final user ID is 0 (root)").hasMessageContaining("ext/curl");
    RunImageRules.requireNonRootFinalUser(new ImageUser(1000, 1000), "ext/curl");
  }

  @Test
  void historyNamesTheExtension() {
    assertThat(RunImageRules.history("RUN apt-get install curl", "ext/curl"))
        .isEqualTo("Layer: 'RUN apt-get install curl', Created by extension: ext/curl");
  }
}
