package dev.cnbfarm.image.ref;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image in an OCI image layout directory, spelled like skopeo's transport: {@code
 * oci:<dir>[:<tag>][@sha256:hex]}. The tag is the {@code org.opencontainers.image.ref.name}
 * annotation in the layout's {@code index.json}. Immutable.
 */
public final class LayoutRef implements ImageRef {
  static final String PREFIX = "oci:";
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

  private final Path directory;
  private final Optional<String> tag;
  private final Optional<Digest> digest;

  private LayoutRef(Path directory, Optional<String> tag, Optional<Digest> digest) {
    this.directory = directory;
    this.tag = tag;
    this.digest = digest;
  }

  /** A reference from its parts; an empty tag and digest mean "the layout's only image". */
  public static LayoutRef of(Path directory, Optional<String> tag, Optional<Digest> digest) {
    String text = PREFIX + directory + tag.map(t -> ":" + t).orElse("");
    if (directory.toString().isEmpty()) {
      throw new InvalidImageRefException(text, "no directory");
    }
    tag.filter(t -> !TAG.matcher(t).matches()).ifPresent(t -> {
      throw new InvalidImageRefException(text, "bad tag '" + t + "'");
    });
    return new LayoutRef(directory, tag, digest);
  }

  /** A reference to {@code directory} with tag {@code tag}. */
  public static LayoutRef of(Path directory, String tag) {
    return of(directory, Optional.of(tag), Optional.empty());
  }

  /** Parses {@code oci:<dir>[:<tag>][@digest]}; a tag cannot contain '/'. */
  public static LayoutRef parse(String text) {
    if (!text.startsWith(PREFIX)) {
      throw new InvalidImageRefException(text, "does not start with " + PREFIX);
    }
    String rest = text.substring(PREFIX.length());
    Optional<Digest> digest = Optional.empty();
    int at = rest.lastIndexOf("@sha256:");
    if (at >= 0) {
      try {
        digest = Optional.of(Digest.parse(rest.substring(at + 1)));
      } catch (IllegalArgumentException e) {
        throw new InvalidImageRefException(text, e.getMessage());
      }
      rest = rest.substring(0, at);
    }
    Optional<String> tag = Optional.empty();
    int colon = rest.lastIndexOf(':');
    if (colon >= 0 && rest.indexOf('/', colon) < 0) {
      tag = Optional.of(rest.substring(colon + 1));
      rest = rest.substring(0, colon);
    }
    if (rest.isEmpty()) {
      throw new InvalidImageRefException(text, "no directory");
    }
    try {
      return of(Path.of(rest), tag, digest);
    } catch (InvalidImageRefException e) {
      throw new InvalidImageRefException(text, e.getMessage().replaceFirst("^.*': ", ""));
    }
  }

  /** The layout directory (holding {@code oci-layout}, {@code index.json}, {@code blobs/}). */
  public Path directory() {
    return directory;
  }

  @Override
  public Optional<String> tag() {
    return tag;
  }

  @Override
  public Optional<Digest> digest() {
    return digest;
  }

  @Override
  public LayoutRef withDigest(Digest newDigest) {
    return new LayoutRef(directory, tag, Optional.of(newDigest));
  }

  @Override
  public LayoutRef withoutDigest() {
    return new LayoutRef(directory, tag, Optional.empty());
  }

  @Override
  public boolean isLoopback() {
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LayoutRef r && directory.equals(r.directory) && tag.equals(r.tag) && digest.equals(r.digest);
  }

  @Override
  public int hashCode() {
    return Objects.hash(directory, tag, digest);
  }

  @Override
  public String toString() {
    return PREFIX + directory + tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse("");
  }
}
