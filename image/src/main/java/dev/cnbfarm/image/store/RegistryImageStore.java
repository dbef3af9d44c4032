package dev.cnbfarm.image.store;

import com.google.cloud.tools.jib.api.DescriptorDigest;
import com.google.cloud.tools.jib.blob.Blob;
import com.google.cloud.tools.jib.blob.BlobDescriptor;
import com.google.cloud.tools.jib.blob.Blobs;
import com.google.cloud.tools.jib.image.json.BuildableManifestTemplate;
import com.google.cloud.tools.jib.image.json.ManifestListTemplate;
import com.google.cloud.tools.jib.image.json.ManifestTemplate;
import com.google.cloud.tools.jib.image.json.OciManifestTemplate;
import com.google.cloud.tools.jib.image.json.V22ManifestTemplate;
import com.google.cloud.tools.jib.json.JsonTemplateMapper;
import com.google.cloud.tools.jib.registry.ManifestAndDigest;
import com.google.cloud.tools.jib.registry.RegistryClient;
import dev.cnbfarm.image.layer.CountingOutputStream;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.RegistryRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestException;
import java.util.List;
import java.util.Optional;

/**
 * An {@link ImageStore} over OCI distribution registries through Jib Core's {@link
 * RegistryClient}, the only place in cnbfarm that sees Jib types (design.md §4). Blobs are HEADed
 * before upload, cross-repository mounts are tried before copying, and every call is retried a
 * bounded number of times on 5xx and I/O failures. Only {@link RegistryRef}s are accepted.
 * Thread-safe.
 */
public final class RegistryImageStore implements ImageStore {
  private final RegistryCalls calls;
  private final JibClients clients;

  private RegistryImageStore(RegistrySettings settings) {
    this.calls = new RegistryCalls(settings.maxAttempts(), settings.initialBackoff(), settings.operationTimeout());
    this.clients = new JibClients(settings, calls);
  }

  public static RegistryImageStore of(RegistrySettings settings) {
    return new RegistryImageStore(settings);
  }

  @Override
  public Image read(ImageRef ref, Platform platform) {
    RegistryRef r = registry(ref);
    RegistryClient client = clients.pull(r);
    ManifestAndDigest<ManifestTemplate> top = pullManifest(r, client, r.qualifier(), "pull manifest " + where(r));
    ManifestAndDigest<ManifestTemplate> chosen = top;
    if (top.getManifest() instanceof ManifestListTemplate list) {
      List<String> digests = list.getDigestsForPlatform(platform.architecture(), platform.os());
      if (digests.isEmpty()) {
        throw new InvalidImageException(r + " has no manifest for " + platform);
      }
      chosen = pullManifest(r, client, digests.get(0), "pull manifest " + where(r) + " for " + platform);
    }
    if (!(chosen.getManifest() instanceof BuildableManifestTemplate template)) {
      throw new InvalidImageException(r + ": unsupported manifest " + chosen.getManifest().getClass().getSimpleName());
    }
    Manifest manifest = Manifest.parse(json(template));
    ByteArrayOutputStream config = new ByteArrayOutputStream();
    pullBlob(r, manifest.config(), config);
    return new Image(ref, digest(chosen.getDigest()), manifest, ImageConfig.parse(config.toByteArray()));
  }

  /**
   * Pulls a manifest and checks it is the one asked for: pulled by digest, its bytes must hash to
   * that digest (a registry or proxy must not substitute another); pulled by tag, they must hash to
   * the {@code Docker-Content-Digest} the registry sent, when it sent one.
   */
  private ManifestAndDigest<ManifestTemplate> pullManifest(RegistryRef r, RegistryClient client, String qualifier,
      String what) {
    @SuppressWarnings("unchecked")
    Optional<String>[] header = new Optional[] {Optional.empty()};
    ManifestAndDigest<ManifestTemplate> pulled = calls.run(what, () -> {
      OperationDeadline.current().ifPresent(OperationDeadline::takeManifestDigestHeader);
      ManifestAndDigest<ManifestTemplate> m = client.pullManifest(qualifier);
      header[0] = OperationDeadline.current().flatMap(OperationDeadline::takeManifestDigestHeader);
      return m;
    });
    Digest actual = digest(pulled.getDigest());
    if (qualifier.startsWith("sha256:") && !actual.value().equals(qualifier)) {
      throw new InvalidImageException(what + ": the registry sent a manifest with digest " + actual
          + " for " + qualifier + "; refusing a substituted manifest");
    }
    header[0].filter(h -> h.startsWith("sha256:") && !h.equals(actual.value())).ifPresent(h -> {
      throw new InvalidImageException(what + ": the manifest's bytes have digest " + actual
          + " but the registry's Docker-Content-Digest says " + h);
    });
    return pulled;
  }

  @Override
  public boolean hasBlob(ImageRef repository, Digest digest) {
    RegistryRef r = registry(repository);
    return head(r, digest).isPresent();
  }

  /** The blob's size if the repository has it (HEAD). */
  private Optional<Long> head(RegistryRef r, Digest digest) {
    RegistryClient client = clients.pull(r);
    return calls.run("check blob " + digest + " in " + where(r),
        () -> client.checkBlob(jib(digest)).map(BlobDescriptor::getSize));
  }

  /** Without a descriptor the bound is the size the registry gives on HEAD. */
  @Override
  public void pullBlob(ImageRef repository, Digest digest, OutputStream out) {
    RegistryRef r = registry(repository);
    long size = head(r, digest).orElseThrow(() -> new ImageNotFoundException("no blob " + digest + " in " + where(r)));
    pullBlob(r, Descriptor.of(MediaTypes.OCI_LAYER_GZIP, digest, size), out);
  }

  /**
   * Reads at most the descriptor's size plus one byte: an endless or oversized body fails there.
   * Jib's blob puller hashes the body as it goes and refuses one whose digest is not the one asked
   * for ({@code UnexpectedBlobDigestException}, an {@link InvalidImageException} here, not retried):
   * the bytes are hashed once, not twice.
   */
  @Override
  public void pullBlob(ImageRef repository, Descriptor blob, OutputStream out) {
    RegistryRef r = registry(repository);
    RegistryClient client = clients.pull(r);
    Digest digest = blob.digest();
    String what = "pull blob " + digest + " from " + where(r);
    CountingOutputStream counting = CountingOutputStream.keepingOpen(new BoundedOutputStream(out, blob.size(),
        "blob " + digest + " is larger than its descriptor's " + blob.size() + " bytes"));
    calls.run(what, () -> client.pullBlob(jib(digest), x -> {}, x -> {}).writeTo(counting), () -> counting.count() == 0);
    if (counting.count() != blob.size()) {
      throw new InvalidImageException(what + ": got " + counting.count() + " bytes, the descriptor says " + blob.size());
    }
  }

  @Override
  public BlobPush pushBlob(ImageRef repository, LayerBlob blob) {
    return push(registry(repository), blob.digest(), blob.size(), Blobs.from(blob.file()));
  }

  @Override
  public BlobPush pushBlob(ImageRef repository, byte[] content) {
    byte[] copy = content.clone();
    return push(registry(repository), Digest.of(copy), copy.length, Blobs.from(out -> out.write(copy), true));
  }

  @Override
  public BlobPush mountBlob(ImageRef repository, Digest digest, ImageRef from) {
    RegistryRef to = registry(repository);
    RegistryRef source = registry(from);
    Optional<Long> existing = head(to, digest);
    if (existing.isPresent()) {
      return new BlobPush(digest, existing.get(), BlobPush.Outcome.EXISTED);
    }
    long size = head(source, digest)
        .orElseThrow(() -> new ImageNotFoundException("no blob " + digest + " in " + source.withoutDigest()));
    if (!source.registry().equals(to.registry())) {
      return copyBlob(to, Descriptor.of(MediaTypes.OCI_LAYER_GZIP, digest, size), source);
    }
    RegistryClient client = clients.pushMountingFrom(to, source.repository());
    Blob lazyCopy = Blobs.from(out -> pullBlob(source, Descriptor.of(MediaTypes.OCI_LAYER_GZIP, digest, size), out),
        false);
    boolean mounted = calls.run("mount blob " + digest + " from " + source.repository() + " into " + where(to),
        () -> client.pushBlob(jib(digest), lazyCopy, source.repository(), x -> {}));
    return new BlobPush(digest, size, mounted ? BlobPush.Outcome.MOUNTED : BlobPush.Outcome.UPLOADED);
  }

  @Override
  public Digest pushManifest(ImageRef ref, Manifest manifest, byte[] config) {
    RegistryRef r = registry(ref);
    if (!Digest.of(config).equals(manifest.config().digest())) {
      throw new IllegalArgumentException("config bytes do not match the manifest's config digest");
    }
    pushBlob(r, config);
    byte[] json = manifest.toJson();
    Class<? extends BuildableManifestTemplate> type =
        manifest.mediaType().equals(MediaTypes.OCI_MANIFEST) ? OciManifestTemplate.class : V22ManifestTemplate.class;
    BuildableManifestTemplate template;
    try {
      template = JsonTemplateMapper.readJson(json, type);
    } catch (IOException e) {
      throw new IllegalStateException("Jib cannot read our own manifest JSON", e);
    }
    String qualifier = r.tag().orElseGet(() -> Digest.of(json).value());
    RegistryClient client = clients.push(r);
    return digest(calls.run("push manifest " + r + " to " + r.registry(), () -> client.pushManifest(template, qualifier)));
  }

  private BlobPush push(RegistryRef r, Digest digest, long size, Blob blob) {
    if (hasBlob(r, digest)) {
      return new BlobPush(digest, size, BlobPush.Outcome.EXISTED);
    }
    RegistryClient client = clients.push(r);
    calls.run("push blob " + digest + " (" + size + " bytes) to " + where(r),
        () -> client.pushBlob(jib(digest), blob, null, x -> {}));
    return new BlobPush(digest, size, BlobPush.Outcome.UPLOADED);
  }

  /** {@code registry/repository}, how messages name where an operation went. */
  private static String where(RegistryRef r) {
    return r.registry() + "/" + r.repository();
  }

  private static byte[] json(BuildableManifestTemplate template) {
    try {
      return JsonTemplateMapper.toByteArray(template);
    } catch (IOException e) {
      throw new InvalidImageException("cannot serialise manifest: " + e.getMessage(), e);
    }
  }

  private static DescriptorDigest jib(Digest digest) {
    try {
      return DescriptorDigest.fromDigest(digest.value());
    } catch (DigestException e) {
      throw new IllegalStateException("a validated digest was rejected by Jib: " + digest, e);
    }
  }

  private static Digest digest(DescriptorDigest digest) {
    return Digest.parse(digest.toString());
  }

  private static RegistryRef registry(ImageRef ref) {
    if (ref instanceof RegistryRef r) {
      return r;
    }
    throw new IllegalArgumentException("not a registry reference: " + ref);
  }
}
