package dev.cnbfarm.lifecycle.buildpack;

import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.util.ArrayList;
import java.util.List;

/** Shared reading of {@code [[order]]} tables, used by order.toml and composite buildpacks. */
public final class OrderFile {
  private OrderFile() {}

  /** Reads one {@code [[order]]} table's {@code [[order.group]]} elements as {@code kind}. */
  public static OrderGroup group(TomlTable order, ModuleKind kind) {
    List<ModuleRef> refs = new ArrayList<>();
    for (TomlTable el : order.tables("group")) {
      if (kind == ModuleKind.EXTENSION && el.has("order")) {
        throw el.error("order", "extension order groups must not contain nested orders");
      }
      refs.add(new ModuleRef(kind, el.requireString("id"), el.string("version", ""), el.bool("optional", false)));
    }
    return new OrderGroup(refs);
  }
}
