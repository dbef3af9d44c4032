package dev.cnbfarm.image.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.cnbfarm.image.testing.Commands;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import dev.cnbfarm.image.ref.RegistryRef;
import dev.cnbfarm.lifecycle.failure.Category;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A fake registry that answers every request with one status code. It speaks HTTPS with a
 * throw-away self-signed certificate: Jib's insecure mode tries HTTPS first, and the JDK server
 * would sit silently on a TLS hello sent to a plain-HTTP port until Jib's 20 s read timeout.
 */
class RegistryFailureTest {
  @TempDir static Path keys;
  static SSLContext tls;
  HttpsServer server;
  final AtomicInteger requests = new AtomicInteger();

  @BeforeAll
  static void selfSignedCertificate() throws Exception {
    Path keystore = keys.resolve("registry.p12");
    Commands.run(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
        "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "san=ip:127.0.0.1", "-validity", "1", "-keystore", keystore.toString(), "-storetype", "PKCS12",
        "-storepass", "changeit", "-keypass", "changeit");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
  }

  RegistryRef serve(int status, String wwwAuthenticate) throws IOException {
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      if (!wwwAuthenticate.isEmpty()) {
        exchange.getResponseHeaders().add("WWW-Authenticate", wwwAuthenticate);
      }
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      byte[] body = "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"down\"}]}".getBytes();
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return RegistryRef.parse("127.0.0.1:" + server.getAddress().getPort() + "/app:1");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void serviceUnavailableIsRetryableAfterBoundedRetries() throws IOException {
    RegistryRef ref = serve(503, "");
    ImageStore store = RegistryImageStore.of(RegistrySettings.defaults().withRetries(3, Duration.ofMillis(5)));

    assertThatThrownBy(() -> store.read(ref)).isInstanceOf(RetryableImageStoreException.class)
        .hasMessageContaining("3 attempt")
        .satisfies(e -> assertThat(((ImageStoreException) e).category()).isEqualTo(Category.INFRA));
    assertThat(requests.get()).isEqualTo(3);
  }

  @Test
  void unauthorizedIsAUserErrorWithoutRetries() throws IOException {
    RegistryRef ref = serve(401, "Basic realm=\"test\"");
    ImageStore store = RegistryImageStore.of(RegistrySettings.defaults().withRetries(3, Duration.ofMillis(5)));

    assertThatThrownBy(() -> store.read(ref)).isInstanceOf(ImageStoreUnauthorizedException.class)
        .satisfies(e -> assertThat(((ImageStoreException) e).category()).isEqualTo(Category.USER));
    assertThat(requests.get()).isLessThanOrEqualTo(2);
  }
}
