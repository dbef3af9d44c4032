package dev.cnbfarm.image.ref;

import java.util.Optional;

/**
 * Where an image lives: in an OCI distribution registry ({@link RegistryRef}, spelled {@code
 * host[:port]/repo[:tag][@digest]}) or in an OCI image layout directory ({@link LayoutRef}, spelled
 * {@code oci:<dir>[:<tag>][@digest]}). {@link #toString()} gives back a string {@link #parse} reads
 * to an equal reference. Implementations are immutable.
 */
public sealed interface ImageRef permits RegistryRef, LayoutRef {

  /** Parses either spelling; throws {@link InvalidImageRefException} naming what is wrong. */
  static ImageRef parse(String text) {
    if (text.startsWith(LayoutRef.PREFIX)) {
      return LayoutRef.parse(text);
    }
    return RegistryRef.parse(text);
  }

  /** The tag, if the reference has one. */
  Optional<String> tag();

  /** The pinned manifest digest, if the reference has one. */
  Optional<Digest> digest();

  /** The same image location pinned to {@code digest} (the tag is kept). */
  ImageRef withDigest(Digest digest);

  /** The same reference without a pinned digest. */
  ImageRef withoutDigest();

  /**
   * Whether the image is on this machine: a layout directory, or a registry on a loopback host
   * ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}). Plain HTTP is allowed for those.
   */
  boolean isLoopback();
}
