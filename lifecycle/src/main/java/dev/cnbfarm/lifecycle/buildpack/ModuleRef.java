package dev.cnbfarm.lifecycle.buildpack;

import java.util.Objects;

/**
 * One element of an order group: which module, which version, whether it may fail detection.
 * Extensions are always optional (image_extension.md). Immutable.
 */
public record ModuleRef(ModuleKind kind, String id, String version, boolean optional) {
  public ModuleRef {
    Objects.requireNonNull(kind, "kind");
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("module id is required");
    }
    version = version == null ? "" : version;
    optional = optional || kind == ModuleKind.EXTENSION;
  }

  /** {@code id@version}, as the reference lifecycle prints modules. */
  public String coordinates() {
    return version.isEmpty() ? id : id + "@" + version;
  }

  @Override
  public String toString() {
    return coordinates();
  }
}
