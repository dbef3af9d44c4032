package dev.cnbfarm.image.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryProcessTest {
  @TempDir Path dir;

  @Test
  void servesOnLoopbackAndStopsByPidKeepingItsStorage() throws Exception {
    ProcessHandle handle;
    try (RegistryProcess registry = RegistryProcess.start(dir)) {
      assertThat(registry.host()).startsWith("127.0.0.1:");
      HttpResponse<Void> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://" + registry.host() + "/v2/")).build(),
          HttpResponse.BodyHandlers.discarding());
      assertThat(r.statusCode()).isEqualTo(200);
      handle = ProcessHandle.of(registry.pid()).orElseThrow();
    }
    handle.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(handle.isAlive()).isFalse();
    assertThat(Files.readString(dir.resolve("config.yml"))).contains("addr: 127.0.0.1:");
    assertThat(dir.resolve("data")).isDirectory();
  }
}
