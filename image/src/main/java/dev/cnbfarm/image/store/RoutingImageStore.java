package dev.cnbfarm.image.store;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import java.io.OutputStream;

/**
 * One {@link ImageStore} for both spellings of a reference: {@code oci:<dir>} goes to the OCI
 * layout adapter, anything else to the registry adapter. Thread-safe.
 */
public final class RoutingImageStore implements ImageStore {
  private final ImageStore layout;
  private final ImageStore registry;

  public RoutingImageStore(ImageStore layout, ImageStore registry) {
    this.layout = layout;
    this.registry = registry;
  }

  /**
   * The layout adapter and a registry adapter with default settings (docker config auth) as
   * overridden by the {@code CNBFARM_REGISTRY_*} environment variables.
   */
  public static RoutingImageStore withDefaults() {
    return new RoutingImageStore(new OciLayoutImageStore(),
        RegistryImageStore.of(RegistrySettings.fromEnvironment(System.getenv())));
  }

  private ImageStore of(ImageRef ref) {
    return ref instanceof LayoutRef ? layout : registry;
  }

  @Override
  public Image read(ImageRef ref, Platform platform) {
    return of(ref).read(ref, platform);
  }

  @Override
  public boolean hasBlob(ImageRef repository, Digest digest) {
    return of(repository).hasBlob(repository, digest);
  }

  @Override
  public void pullBlob(ImageRef repository, Digest digest, OutputStream out) {
    of(repository).pullBlob(repository, digest, out);
  }

  @Override
  public void pullBlob(ImageRef repository, Descriptor blob, OutputStream out) {
    of(repository).pullBlob(repository, blob, out);
  }

  @Override
  public BlobPush pushBlob(ImageRef repository, LayerBlob blob) {
    return of(repository).pushBlob(repository, blob);
  }

  @Override
  public BlobPush pushBlob(ImageRef repository, byte[] content) {
    return of(repository).pushBlob(repository, content);
  }

  @Override
  public BlobPush mountBlob(ImageRef repository, Digest digest, ImageRef from) {
    return of(repository).mountBlob(repository, digest, from);
  }

  @Override
  public Digest pushManifest(ImageRef ref, Manifest manifest, byte[] config) {
    return of(ref).pushManifest(ref, manifest, config);
  }
}
