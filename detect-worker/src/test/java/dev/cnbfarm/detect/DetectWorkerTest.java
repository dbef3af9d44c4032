package dev.cnbfarm.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.engine.detect.DetectSettings;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The detect worker's settings, read as {@code cnbfarm lifecycle detector} reads them. */
class DetectWorkerTest {
  @Test
  void defaultsToEightDetectsAtOnceAndTenMinutes() {
    DetectSettings settings = DetectWorker.settings(Map.of());

    assertThat(settings.parallelism()).isEqualTo(8);
    assertThat(settings.timeout()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void readsBothSettings() {
    DetectSettings settings = DetectWorker.settings(Map.of("CNBFARM_DETECT_PARALLELISM", "3",
        "CNBFARM_DETECT_TIMEOUT", "PT30S"));

    assertThat(settings.parallelism()).isEqualTo(3);
    assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void namesEveryBadSettingAtOnce() {
    assertThatThrownBy(() -> DetectWorker.settings(Map.of("CNBFARM_DETECT_PARALLELISM", "0",
        "CNBFARM_DETECT_TIMEOUT", "10m")))
        .isInstanceOfSatisfying(LifecycleException.class, e -> {
          assertThat(e.code()).isEqualTo(FailureCode.INVALID_ARGS);
          assertThat(e.getMessage()).contains("CNBFARM_DETECT_PARALLELISM='0'").contains("CNBFARM_DETECT_TIMEOUT='10m'");
        });
  }

  @Test
  void theReadmeListsEverySetting() throws IOException {
    String readme = Files.readString(Path.of("README.md"));

    assertThat(readme).contains("`" + DetectWorker.PARALLELISM + "`").contains("`" + DetectWorker.TIMEOUT + "`");
  }
}
