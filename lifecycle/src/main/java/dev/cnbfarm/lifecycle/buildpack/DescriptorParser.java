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
  /** buildpack.md "buildpack.toml": an id uses only letters, digits, '.', '/' and '-'. */
  private static final Pattern SPEC_ID = Pattern.compile("[A-Za-z0-9./-]+");
  /**
   * What is accepted beyond the spec (decisions.md #18; the reference checks nothing and its own
   * fixtures use '_'): also '_', '+' and '~', characters that are safe in paths and in the
   * launcher's shell. Whitespace, quotes and shell or path metacharacters stay refused.
   */
  private static final Pattern ACCEPTED_ID = Pattern.compile("[A-Za-z0-9._/+~-]+");
  static final String SPEC_ID_RULE = "letters, digits, '.', '/' and '-'";
  private static final Set<String> RESERVED_IDS = Set.of("app", "config", "generated", "sbom");

  private DescriptorParser() {}

  /** True when {@code id} keeps to the spec's character set (else it is accepted with a warning). */
  static boolean followsSpec(String id) {
    return SPEC_ID.matcher(id).matches();
  }

  static ModuleDescriptor parse(ModuleKind kind, Path dir) {
    Path file = dir.resolve(kind.descriptorFile());
    TomlTable toml = Toml.read(file, FailureCode.INVALID_INPUT);
    TomlTable info = toml.table(kind.label()).orElseThrow(() -> toml.error(kind.label(), "missing required table"));
    String id = info.requireString("id");
    if (!ACCEPTED_ID.matcher(id).matches() || id.equals(".") || id.equals("..")
        || RESERVED_IDS.contains(id.toLowerCase(java.util.Locale.ROOT))) {
      throw info.error("id", "'" + id + "' is not a valid " + kind.label() + " id (the spec allows "
          + SPEC_ID_RULE + "; it must not be app, config, generated or sbom)");
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
        info.bool("clear-env", false), targets, order, dir, info.strings("exec-env"));
  }
}
