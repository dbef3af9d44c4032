package dev.cnbfarm.image.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalRegistryTest {
  @Test
  void failsWithInstallHintWhenTheBinaryIsMissing() {
    assertThatThrownBy(() -> LocalRegistry.start(Path.of("/nonexistent/docker-registry")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("apt-get install -y --no-install-recommends docker-registry");
  }

  @Test
  void stopsTheRegistryProcessOnClose() {
    LocalRegistry registry = LocalRegistry.start();
    long pid = registry.pid();
    assertThat(registry.host()).startsWith("127.0.0.1:");
    registry.close();
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    assertThat(handle.map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
  }
}
