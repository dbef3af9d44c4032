package dev.cnbfarm.image.store;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import java.util.List;
import java.util.Objects;

/**
 * An image config and the OCI manifest over it, as bytes and digests: the one place that turns a
 * config and layer descriptors into what {@link ImageStore#pushManifest} takes. Both JSON forms
 * are canonical ({@link ImageConfig#toJson()}, {@link Manifest#toJson()}), so the same config and
 * layers always give the same digest. Pure: no I/O until {@link #pushTo}. Immutable.
 */
public final class ImageAssembly {
  private final ImageConfig config;
  private final byte[] configJson;
  private final Manifest manifest;
  private final byte[] manifestJson;
  private final Digest digest;

  private ImageAssembly(ImageConfig config, byte[] configJson, Manifest manifest, byte[] manifestJson) {
    this.config = config;
    this.configJson = configJson;
    this.manifest = manifest;
    this.manifestJson = manifestJson;
    this.digest = Digest.of(manifestJson);
  }

  /** {@code config} as the config blob of an OCI manifest listing {@code layers}, bottom first. */
  public static ImageAssembly of(ImageConfig config, List<Descriptor> layers) {
    Objects.requireNonNull(config, "config");
    byte[] configJson = config.toJson();
    Manifest manifest = Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(configJson), configJson.length),
        layers);
    return new ImageAssembly(config, configJson, manifest, manifest.toJson());
  }

  /** A layer descriptor as an OCI manifest lists it: a Docker gzip layer is the same bytes as an OCI one. */
  public static Descriptor ociLayer(Descriptor layer) {
    return layer.mediaType().equals(MediaTypes.DOCKER_LAYER_GZIP)
        ? new Descriptor(MediaTypes.OCI_LAYER_GZIP, layer.digest(), layer.size(), layer.annotations())
        : layer;
  }

  public ImageConfig config() {
    return config;
  }

  /** The config blob's bytes. */
  public byte[] configJson() {
    return configJson.clone();
  }

  public Manifest manifest() {
    return manifest;
  }

  /** The manifest's bytes. */
  public byte[] manifestJson() {
    return manifestJson.clone();
  }

  /** The manifest digest. */
  public Digest digest() {
    return digest;
  }

  /** The manifest's size in bytes. */
  public long manifestSize() {
    return manifestJson.length;
  }

  /** This image as read back from {@code ref}. */
  public Image image(ImageRef ref) {
    return new Image(ref, digest, manifest, config);
  }

  /**
   * Pushes the config and the manifest to {@code ref} (its layers must be there already).
   *
   * @throws IllegalStateException when the store answers another digest than {@link #digest()}
   */
  public Digest pushTo(ImageStore store, ImageRef ref) {
    Digest pushed = store.pushManifest(ref, manifest, configJson);
    if (!pushed.equals(digest)) {
      throw new IllegalStateException("store answered manifest digest " + pushed + " for " + ref + ", expected "
          + digest);
    }
    return pushed;
  }
}
