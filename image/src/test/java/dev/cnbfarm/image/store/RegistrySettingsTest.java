package dev.cnbfarm.image.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistrySettingsTest {
  static final List<String> KEYS = List.of(RegistrySettings.ENV_ATTEMPTS, RegistrySettings.ENV_CONNECT_TIMEOUT,
      RegistrySettings.ENV_READ_TIMEOUT, RegistrySettings.ENV_TIMEOUT);

  @Test
  void readsTimeoutsAndAttemptsFromTheEnvironment() {
    RegistrySettings s = RegistrySettings.fromEnvironment(Map.of(RegistrySettings.ENV_ATTEMPTS, "2",
        RegistrySettings.ENV_CONNECT_TIMEOUT, "500ms", RegistrySettings.ENV_READ_TIMEOUT, "PT7S",
        RegistrySettings.ENV_TIMEOUT, "3m"));

    assertThat(s.maxAttempts()).isEqualTo(2);
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(s.operationTimeout()).isEqualTo(Duration.ofMinutes(3));
  }

  @Test
  void hasSaneDefaultsWithoutTheVariables() {
    RegistrySettings s = RegistrySettings.fromEnvironment(Map.of());

    assertThat(s.maxAttempts()).isEqualTo(4);
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.operationTimeout()).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void listsEveryBadVariableAtOnce() {
    assertThatThrownBy(() -> RegistrySettings.fromEnvironment(Map.of(RegistrySettings.ENV_ATTEMPTS, "0",
        RegistrySettings.ENV_TIMEOUT, "soon", RegistrySettings.ENV_READ_TIMEOUT, "-1s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(RegistrySettings.ENV_ATTEMPTS + "=0")
        .hasMessageContaining(RegistrySettings.ENV_TIMEOUT + "=soon")
        .hasMessageContaining(RegistrySettings.ENV_READ_TIMEOUT + "=-1s");
  }

  @Test
  void theModuleReadmeListsEveryVariable() throws IOException {
    String readme = Files.readString(Path.of("README.md"));

    assertThat(KEYS).allSatisfy(key -> assertThat(readme).contains("`" + key + "`"));
  }
}
