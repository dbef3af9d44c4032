package dev.cnbfarm.lifecycle.buildpack;

import java.util.List;

/**
 * A target a module supports or an image provides (buildpack.md "Targets"; RFC 0096). Empty
 * strings and {@code *} mean "any". Immutable.
 */
public record Target(String os, String arch, String variant, List<Distro> distros) {
  public Target {
    os = os == null ? "" : os;
    arch = arch == null ? "" : arch;
    variant = variant == null ? "" : variant;
    distros = List.copyOf(distros);
  }

  public static Target of(String os, String arch) {
    return new Target(os, arch, "", List.of());
  }

  /** True when neither os nor arch is constrained. */
  public boolean isWildcard() {
    return any(os) && any(arch);
  }

  static boolean any(String s) {
    return s.isEmpty() || s.equals("*");
  }

  static boolean same(String a, String b) {
    return any(a) || any(b) || a.equals(b);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(os.isEmpty() ? "*" : os).append('/').append(arch.isEmpty() ? "*" : arch);
    if (!variant.isEmpty()) {
      b.append('/').append(variant);
    }
    distros.forEach(d -> b.append(' ').append(d));
    return b.toString();
  }

  /** An OS distribution; empty fields match anything. Immutable. */
  public record Distro(String name, String version) {
    public Distro {
      name = name == null ? "" : name;
      version = version == null ? "" : version;
    }

    @Override
    public String toString() {
      return name + (version.isEmpty() ? "" : "@" + version);
    }
  }
}
