package dev.cnbfarm.lifecycle.platform;

import dev.cnbfarm.lifecycle.buildpack.ModuleKind;
import dev.cnbfarm.lifecycle.buildpack.OrderFile;
import dev.cnbfarm.lifecycle.buildpack.OrderGroup;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.toml.Toml;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code order.toml}: buildpack groups ({@code [[order]]}) and extension groups
 * ({@code [[order-extensions]]}, platform.md PA 0.10+). Extension elements are always optional.
 * Immutable.
 */
public record Order(List<OrderGroup> buildpacks, List<OrderGroup> extensions) {
  public Order {
    buildpacks = List.copyOf(buildpacks);
    extensions = List.copyOf(extensions);
  }

  public static Order read(Path file) {
    TomlTable toml = Toml.read(file, FailureCode.INVALID_INPUT);
    List<OrderGroup> bps = new ArrayList<>();
    for (TomlTable t : toml.tables("order")) {
      bps.add(OrderFile.group(t, ModuleKind.BUILDPACK));
    }
    List<OrderGroup> exts = new ArrayList<>();
    for (TomlTable t : toml.tables("order-extensions")) {
      exts.add(OrderFile.group(t, ModuleKind.EXTENSION));
    }
    return new Order(bps, exts);
  }

  public boolean hasExtensions() {
    return extensions.stream().anyMatch(g -> !g.elements().isEmpty());
  }

  /** As written by pack and the reference lifecycle; extensions carry no {@code optional}. */
  public Map<String, Object> toToml() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("order", OrderGroup.toTables(buildpacks, false));
    if (!extensions.isEmpty()) {
      out.put("order-extensions", OrderGroup.toTables(extensions, true));
    }
    return out;
  }

}
