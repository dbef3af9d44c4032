package dev.cnbfarm.image.store;

import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.CredentialRetriever;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.registry.RegistryClient;
import com.google.cloud.tools.jib.registry.credentials.CredentialRetrievalException;
import dev.cnbfarm.image.ref.RegistryRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticated Jib {@link RegistryClient}s, one per repository, access (pull or push) and mount
 * source, created once and reused so bearer tokens are fetched once. Credentials come from the
 * docker config (auths and credential helpers) and the well-known helpers. Thread-safe.
 */
final class JibClients {
  private static final String USER_AGENT = "cnbfarm";
  private final RegistrySettings settings;
  private final RegistryCalls calls;
  private final FailoverHttpClient secure;
  private final FailoverHttpClient insecure;
  private final Map<String, RegistryClient> clients = new ConcurrentHashMap<>();

  JibClients(RegistrySettings settings, RegistryCalls calls) {
    this.settings = settings;
    this.calls = calls;
    RegistryHttp http = new RegistryHttp(settings);
    this.secure = http.client(false);
    this.insecure = http.client(true);
  }

  RegistryClient pull(RegistryRef ref) {
    return client(ref, false, Optional.empty());
  }

  RegistryClient push(RegistryRef ref) {
    return client(ref, true, Optional.empty());
  }

  /** A push client whose token also grants pull on {@code source} (for a cross-repo mount). */
  RegistryClient pushMountingFrom(RegistryRef ref, String source) {
    return client(ref, true, Optional.of(source));
  }

  private RegistryClient client(RegistryRef ref, boolean push, Optional<String> source) {
    String key = ref.registry() + "/" + ref.repository() + (push ? "|push" : "|pull") + source.map(s -> "|" + s).orElse("");
    return clients.computeIfAbsent(key, k -> create(ref, push, source));
  }

  private RegistryClient create(RegistryRef ref, boolean push, Optional<String> source) {
    boolean plainHttpAllowed = ref.isLoopback() || settings.insecureRegistries().contains(ref.registry());
    FailoverHttpClient http = plainHttpAllowed ? insecure : secure;
    RegistryClient.Factory factory = source.isPresent()
        ? RegistryClient.factory(EventHandlers.NONE, ref.registry(), ref.repository(), source.get(), http)
        : RegistryClient.factory(EventHandlers.NONE, ref.registry(), ref.repository(), http);
    Optional<Credential> credential = credential(ref);
    credential.ifPresent(factory::setCredential);
    RegistryClient client = factory.setUserAgent(USER_AGENT).newRegistryClient();
    calls.run("authenticate to " + ref.registry() + "/" + ref.repository(), () -> {
      boolean bearer = push ? client.doPushBearerAuth() : client.doPullBearerAuth();
      if (!bearer && credential.isPresent()) {
        client.configureBasicAuth();
      }
      return null;
    });
    return client;
  }

  private Optional<Credential> credential(RegistryRef ref) {
    DockerConfigCheck.check(settings.dockerConfig());
    CredentialRetrieverFactory factory =
        CredentialRetrieverFactory.forImage(ImageReference.of(ref.registry(), ref.repository(), null), e -> {});
    for (CredentialRetriever retriever : List.of(factory.dockerConfig(settings.dockerConfig()),
        factory.wellKnownCredentialHelpers())) {
      try {
        Optional<Credential> credential = retriever.retrieve();
        if (credential.isPresent()) {
          return credential;
        }
      } catch (CredentialRetrievalException e) {
        throw new ImageStoreUnauthorizedException("cannot get credentials for " + ref.registry() + ": " + e.getMessage(), e);
      }
    }
    return Optional.empty();
  }
}
