package dev.cnbfarm.lifecycle.buildpack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a module's targets accept the run image's target (buildpack.md "Targets"; the
 * reference lifecycle's TargetSatisfiedForBuild): os, arch and variant must be equal where both
 * are set; if the module lists distros, one must match the image distro, which is read from the
 * build environment's {@code /etc/os-release} when the image does not say. Immutable.
 */
public final class TargetMatcher {
  private final Target image;
  private final Path osRelease;

  public TargetMatcher(Target image, Path osRelease) {
    this.image = image;
    this.osRelease = osRelease;
  }

  /** True when any of {@code moduleTargets} (empty = any) accepts the image. */
  public boolean accepts(List<Target> moduleTargets) {
    if (image.isWildcard() || moduleTargets.isEmpty()) {
      return true;
    }
    return moduleTargets.stream().anyMatch(this::accepts);
  }

  private boolean accepts(Target module) {
    if (module.isWildcard() && module.distros().isEmpty()) {
      return true;
    }
    if (!Target.same(module.os(), image.os()) || !Target.same(module.arch(), image.arch())
        || !Target.same(module.variant(), image.variant())) {
      return false;
    }
    if (module.distros().isEmpty()) {
      return true;
    }
    Optional<Target.Distro> distro = image.distros().stream().findFirst().or(this::hostDistro);
    return distro.isPresent()
        && module.distros().stream().anyMatch(d -> Target.same(d.name(), distro.get().name())
            && Target.same(d.version(), distro.get().version()));
  }

  private Optional<Target.Distro> hostDistro() {
    try {
      if (!Files.isRegularFile(osRelease)) {
        return Optional.empty();
      }
      String id = "";
      String version = "";
      for (String line : Files.readAllLines(osRelease)) {
        if (line.startsWith("ID=")) {
          id = unquote(line.substring(3));
        } else if (line.startsWith("VERSION_ID=")) {
          version = unquote(line.substring(11));
        }
      }
      return id.isEmpty() ? Optional.empty() : Optional.of(new Target.Distro(id, version));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String unquote(String s) {
    String t = s.trim();
    return t.length() >= 2 && (t.startsWith("\"") || t.startsWith("'")) ? t.substring(1, t.length() - 1) : t;
  }
}
