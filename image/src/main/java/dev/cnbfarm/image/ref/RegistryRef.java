package dev.cnbfarm.image.ref;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image in an OCI distribution registry, normalised the way Docker does: a name without a
 * registry lives on Docker Hub ({@code registry-1.docker.io}), a one-part Hub name gets {@code
 * library/}, and a reference with neither tag nor digest gets {@code :latest}. Immutable.
 */
public final class RegistryRef implements ImageRef {
  /** The host Docker Hub's API is served from. */
  public static final String DOCKER_HUB = "registry-1.docker.io";

  private static final Pattern HOST =
      Pattern.compile("(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
          + "|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?");
  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(?:\\." + OCTET + "){3}");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

  private final String registry;
  private final String repository;
  private final Optional<String> tag;
  private final Optional<Digest> digest;

  private RegistryRef(String registry, String repository, Optional<String> tag, Optional<Digest> digest) {
    this.registry = registry;
    this.repository = repository;
    this.tag = tag;
    this.digest = digest;
  }

  /** A reference from its parts; {@code tag} and {@code digest} may both be empty (then latest). */
  public static RegistryRef of(String registry, String repository, Optional<String> tag, Optional<Digest> digest) {
    String text = registry + "/" + repository;
    if (!HOST.matcher(registry).matches()) {
      throw new InvalidImageRefException(text, "bad registry host '" + registry + "'");
    }
    if (repository.length() > 255) {
      throw new InvalidImageRefException(text, "repository longer than 255 characters");
    }
    for (String component : repository.split("/", -1)) {
      if (!COMPONENT.matcher(component).matches()) {
        throw new InvalidImageRefException(text, "bad repository component '" + component + "'");
      }
    }
    tag.filter(t -> !TAG.matcher(t).matches()).ifPresent(t -> {
      throw new InvalidImageRefException(text, "bad tag '" + t + "'");
    });
    String host = normaliseHost(registry);
    String repo = host.equals(DOCKER_HUB) && !repository.contains("/") ? "library/" + repository : repository;
    Optional<String> effectiveTag = tag.isEmpty() && digest.isEmpty() ? Optional.of("latest") : tag;
    return new RegistryRef(host, repo, effectiveTag, digest);
  }

  /** Parses {@code [host[:port]/]repo[:tag][@sha256:hex]}. */
  public static RegistryRef parse(String text) {
    if (text.isEmpty()) {
      throw new InvalidImageRefException(text, "empty");
    }
    String rest = text;
    Optional<Digest> digest = Optional.empty();
    int at = rest.indexOf('@');
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
    if (colon > rest.lastIndexOf('/') && !rest.endsWith("]")) {
      tag = Optional.of(rest.substring(colon + 1));
      rest = rest.substring(0, colon);
    }
    String registry = DOCKER_HUB;
    String repository = rest;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.startsWith("[") || first.equals("localhost")) {
        registry = first;
        repository = rest.substring(slash + 1);
      }
    }
    if (repository.isEmpty()) {
      throw new InvalidImageRefException(text, "no repository");
    }
    try {
      return of(registry, repository, tag, digest);
    } catch (InvalidImageRefException e) {
      throw new InvalidImageRefException(text, e.getMessage().replaceFirst("^.*': ", ""));
    }
  }

  private static String normaliseHost(String registry) {
    return switch (registry) {
      case "docker.io", "index.docker.io" -> DOCKER_HUB;
      default -> registry;
    };
  }

  /** The registry host, with its port if one was given. */
  public String registry() {
    return registry;
  }

  /** The repository path inside the registry, e.g. {@code library/busybox}. */
  public String repository() {
    return repository;
  }

  @Override
  public Optional<String> tag() {
    return tag;
  }

  @Override
  public Optional<Digest> digest() {
    return digest;
  }

  /** The digest if pinned, otherwise the tag: what goes after {@code /manifests/} in the API. */
  public String qualifier() {
    return digest.map(Digest::value).orElseGet(tag::orElseThrow);
  }

  @Override
  public RegistryRef withDigest(Digest newDigest) {
    return new RegistryRef(registry, repository, tag, Optional.of(newDigest));
  }

  @Override
  public RegistryRef withoutDigest() {
    return new RegistryRef(registry, repository, tag.or(() -> Optional.of("latest")), Optional.empty());
  }

  /** The same registry and tag in another repository (for cross-repository work). */
  public RegistryRef withRepository(String newRepository) {
    return of(registry, newRepository, tag, digest);
  }

  /**
   * Judged by address, never by a name prefix ({@code 127.evil.com} is a DNS name anyone can
   * point anywhere): {@code localhost}, a dotted-quad literal in {@code 127.0.0.0/8}, or an IPv6
   * literal that is a loopback address ({@code [::1]}, {@code [::ffff:127.0.0.1]}). Names are
   * never resolved here.
   */
  @Override
  public boolean isLoopback() {
    String host = registry.replaceFirst(":[0-9]+$", "");
    if (host.equals("localhost")) {
      return true;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      return ipv6Loopback(host.substring(1, host.length() - 1));
    }
    return IPV4_LOOPBACK.matcher(host).matches();
  }

  private static boolean ipv6Loopback(String literal) {
    try {
      // a literal with ':' is parsed, never looked up
      return literal.contains(":") && InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegistryRef r && registry.equals(r.registry) && repository.equals(r.repository)
        && tag.equals(r.tag) && digest.equals(r.digest);
  }

  @Override
  public int hashCode() {
    return Objects.hash(registry, repository, tag, digest);
  }

  @Override
  public String toString() {
    return registry + "/" + repository + tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse("");
  }
}
