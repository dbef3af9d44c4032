package dev.cnbfarm.image.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.RegistryRef;
import dev.cnbfarm.image.testing.FaultyRegistry;
import dev.cnbfarm.image.testing.FaultyRegistry.Fault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DockerConfigTest {
  @TempDir Path dir;
  FaultyRegistry registry;

  @BeforeEach
  void start() {
    registry = FaultyRegistry.start(Fault.ONE_MANIFEST_FOR_ANY_REFERENCE).serving(RegistryFaultTest.MANIFEST.toJson(),
        MediaTypes.OCI_MANIFEST, Map.of(Digest.of(RegistryFaultTest.CONFIG).value(), RegistryFaultTest.CONFIG));
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  ImageStore store(Path config) {
    return RegistryImageStore.of(RegistrySettings.defaults().withDockerConfig(config)
        .withRetries(2, Duration.ofMillis(10)).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2),
            Duration.ofSeconds(5)));
  }

  @Test
  void aMalformedDockerConfigIsAnErrorNamingTheFileAndLine() throws IOException {
    Path config = Files.writeString(dir.resolve("config.json"), "{\n  \"auths\": {\n    \"x\": {,\n  }\n}\n");

    assertThatThrownBy(() -> store(config).read(RegistryRef.parse(registry.host() + "/app:1")))
        .isInstanceOf(ImageStoreUnauthorizedException.class)
        .hasMessageContaining(config.toString()).hasMessageContaining("line 3");
  }

  @Test
  void anAuthWithoutColonSaysSoInsteadOfAnIndexError() throws IOException {
    String auth = Base64.getEncoder().encodeToString("justauser".getBytes());
    Path config = Files.writeString(dir.resolve("config.json"),
        "{\"auths\": {\"" + registry.host() + "\": {\"auth\": \"" + auth + "\"}}}");

    assertThatThrownBy(() -> store(config).read(RegistryRef.parse(registry.host() + "/app:1")))
        .isInstanceOf(ImageStoreUnauthorizedException.class)
        .hasMessageContaining(config.toString()).hasMessageContaining(registry.host())
        .hasMessageContaining("user:password").hasMessageNotContaining("begin 0");
  }
}
