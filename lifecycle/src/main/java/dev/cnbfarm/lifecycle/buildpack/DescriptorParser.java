package dev.cnbfarm.lifecycle.buildpack;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.api.SupportedApis;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.toml.Toml;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code buildpack.toml} / {@code extension.toml} (buildpack.md, image_extension.md). */
final class DescriptorParser {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9./-]+");
  private static final Set<String> RESERVED_IDS = Set.of("app", "config", "generated", "sbom");

  private DescriptorParser() {}

  static ModuleDescriptor parse(ModuleKind kind, Path dir) {
    Path file = dir.resolve(kind.descriptorFile());
    TomlTable toml = Toml.read(file, FailureCode.INVALID_INPUT);
    TomlTable info = toml.table(kind.label()).orElseThrow(() -> toml.error(kind.label(), "missing required table"));
    String id = info.requireString("id");
    if (!ID.matcher(id).matches() || RESERVED_IDS.contains(id.toLowerCase(java.util.Locale.ROOT))) {
      throw info.error("id", "'" + id + "' is not a valid " + kind.label() + " id");
    }
    String version = info.requireString("version");
    ApiVersion api = SupportedApis.buildpack(toml.requireString("api"), file.toString());
    List<OrderGroup> order = new ArrayList<>();
    for (TomlTable o : toml.tables("order")) {
      order.add(OrderFile.group(o, ModuleKind.BUILDPACK));
    }
    if (kind == ModuleKind.EXTENSION && !order.isEmpty()) {
      throw toml.error("order", "an extension must not declare an order (extensions are never composite)");
    }
    List<Target> targets = new ArrayList<>();
    for (TomlTable t : toml.tables("targets")) {
      List<Target.Distro> distros = new ArrayList<>();
      for (TomlTable d : t.tables("distros")) {
        distros.add(new Target.Distro(d.string("name", ""), d.string("version", "")));
      }
      targets.add(new Target(t.string("os", ""), t.string("arch", ""), t.string("variant", ""), distros));
    }
    return new ModuleDescriptor(kind, api, id, version, info.string("name", ""), info.string("homepage", ""),
        info.bool("clear-env", false), targets, order, dir);
  }
}
