package dev.cnbfarm.lifecycle.platform;

import java.util.regex.Pattern;

/**
 * Image names compared the way the reference lifecycle compares run images (internal/name
 * ParseMaybe over go-containerregistry): the digest is dropped, a name without a registry lives
 * on {@code index.docker.io} ({@code docker.io} is the same), a one-part Docker Hub repository
 * gets {@code library/}, and a missing tag is {@code latest}; so {@code x},
 * {@code docker.io/library/x:latest} and {@code index.docker.io/x} are one image. A name that
 * does not parse is kept as written. Here rather than in the image module, which the lifecycle may
 * not depend on. Stateless.
 */
public final class ImageNames {
  private static final String DOCKER_HUB = "index.docker.io";
  private static final Pattern REPOSITORY = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
      + "(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

  private ImageNames() {}

  /** {@code name} as {@code registry/repository:tag}, or unchanged when it does not parse. */
  public static String normalise(String name) {
    String rest = name;
    int at = rest.indexOf('@');
    if (at >= 0) {
      rest = rest.substring(0, at);
    }
    String tag = "latest";
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    String registry = DOCKER_HUB;
    String repository = rest;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        registry = first.equals("docker.io") ? DOCKER_HUB : first;
        repository = rest.substring(slash + 1);
      }
    }
    if (!REPOSITORY.matcher(repository).matches() || !TAG.matcher(tag).matches()) {
      return name;
    }
    if (registry.equals(DOCKER_HUB) && !repository.contains("/")) {
      repository = "library/" + repository;
    }
    return registry + "/" + repository + ":" + tag;
  }

  /** True when both names are the same image once normalised. */
  public static boolean same(String a, String b) {
    return normalise(a).equals(normalise(b));
  }
}
