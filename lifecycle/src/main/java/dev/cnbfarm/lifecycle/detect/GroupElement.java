package dev.cnbfarm.lifecycle.detect;

import dev.cnbfarm.lifecycle.buildpack.ModuleDescriptor;
import dev.cnbfarm.lifecycle.platform.GroupEntry;

/** A component module taking part in a detection trial, with its optional flag. Immutable. */
public record GroupElement(ModuleDescriptor module, boolean optional) {
  /** Identity for the detect-once cache: kind plus {@code id@version}. */
  String key() {
    return module.kind() + " " + module.coordinates();
  }

  boolean sameModule(GroupElement o) {
    return module.kind() == o.module.kind() && module.id().equals(o.module.id());
  }

  boolean isExtension() {
    return module.isExtension();
  }

  public GroupEntry toEntry() {
    return new GroupEntry(module.id(), module.version(), module.api().toString(), module.homepage());
  }

  @Override
  public String toString() {
    return module.coordinates();
  }
}
