package dev.cnbfarm.lifecycle.builder;

import dev.cnbfarm.lifecycle.buildpack.ModuleDescriptor;
import dev.cnbfarm.lifecycle.buildpack.ModuleKind;
import dev.cnbfarm.lifecycle.buildpack.ModuleRef;
import dev.cnbfarm.lifecycle.buildpack.OrderFile;
import dev.cnbfarm.lifecycle.buildpack.OrderGroup;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Order;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import dev.cnbfarm.lifecycle.toml.Toml;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A validated {@code builder.toml} in pack's format, with every module descriptor read from its
 * local directory: {@code [[buildpacks]]}/{@code [[extensions]]} {@code uri}, {@code [[order]]},
 * {@code [[order-extensions]]}, {@code [build] image} (or legacy {@code [stack] build-image}),
 * {@code [[run.images]]} (or legacy {@code [stack] run-image}/{@code run-image-mirrors}) and
 * {@code [[build.env]]}. Orders are resolved: an element without a version gets the version of the
 * one module with its id. Every error names builder.toml and the key (exit 1). Immutable.
 *
 * @param description {@code description}, or empty
 * @param buildpacks the buildpacks, in builder.toml order
 * @param extensions the extensions, in builder.toml order
 * @param order the buildpack and extension orders
 * @param buildImage the build image reference
 * @param runImages the run images with their mirrors
 * @param stackId the legacy {@code [stack] id}, or empty
 * @param buildEnv the {@code [[build.env]]} entries
 * @param warnings things ignored (e.g. {@code [lifecycle]}), for the caller to print
 */
public record BuilderConfig(
    String description,
    List<ModuleDescriptor> buildpacks,
    List<ModuleDescriptor> extensions,
    Order order,
    String buildImage,
    List<RunMetadata.RunImage> runImages,
    String stackId,
    List<BuildEnv> buildEnv,
    List<String> warnings) {

  public BuilderConfig {
    Objects.requireNonNull(description, "description");
    buildpacks = List.copyOf(buildpacks);
    extensions = List.copyOf(extensions);
    Objects.requireNonNull(order, "order");
    Objects.requireNonNull(buildImage, "buildImage");
    runImages = List.copyOf(runImages);
    Objects.requireNonNull(stackId, "stackId");
    buildEnv = List.copyOf(buildEnv);
    warnings = List.copyOf(warnings);
  }

  /** One {@code [[build.env]]} entry, written to {@code /cnb/build-config/env/<fileName>}. */
  public record BuildEnv(String name, String value, String suffix) {
    private static final Set<String> SUFFIXES = Set.of("", "default", "override", "append", "prepend", "delim");

    public BuildEnv {
      if (name.isBlank() || name.contains("/") || name.contains("=")) {
        throw new IllegalArgumentException("invalid env var name '" + name + "'");
      }
      if (!SUFFIXES.contains(suffix)) {
        throw new IllegalArgumentException("invalid suffix '" + suffix + "' (one of default, override, append, prepend, delim)");
      }
    }

    /** {@code NAME} or {@code NAME.suffix}; {@code default} has no file suffix, as in pack. */
    public String fileName() {
      return suffix.isEmpty() || suffix.equals("default") ? name : name + "." + suffix;
    }
  }

  /** Reads and validates {@code file}; module {@code uri}s are relative to its directory. */
  public static BuilderConfig read(Path file) {
    Path base = file.toAbsolutePath().getParent();
    TomlTable toml = Toml.read(file, FailureCode.INVALID_INPUT);
    List<String> warnings = new ArrayList<>();
    List<ModuleDescriptor> buildpacks = modules(toml, "buildpacks", ModuleKind.BUILDPACK, base);
    List<ModuleDescriptor> extensions = modules(toml, "extensions", ModuleKind.EXTENSION, base);

    List<OrderGroup> bpOrder = new ArrayList<>();
    List<TomlTable> orders = toml.tables("order");
    for (int i = 0; i < orders.size(); i++) {
      bpOrder.add(resolve(orders.get(i), "", OrderFile.group(orders.get(i), ModuleKind.BUILDPACK),
          buildpacks, extensions, ModuleKind.BUILDPACK));
    }
    List<OrderGroup> extOrder = new ArrayList<>();
    List<TomlTable> extOrders = toml.tables("order-extensions");
    for (int i = 0; i < extOrders.size(); i++) {
      extOrder.add(resolve(extOrders.get(i), "",
          OrderFile.group(extOrders.get(i), ModuleKind.EXTENSION), extensions, buildpacks, ModuleKind.EXTENSION));
    }
    for (ModuleDescriptor bp : buildpacks) {
      for (int g = 0; g < bp.order().size(); g++) {
        resolve(toml, "buildpacks (" + bp.coordinates() + " order[" + g + "])", bp.order().get(g), buildpacks,
            extensions, ModuleKind.BUILDPACK);
      }
    }

    TomlTable stack = toml.table("stack").orElse(null);
    TomlTable build = toml.table("build").orElse(null);
    String buildImage = build == null ? "" : build.string("image", "");
    if (buildImage.isEmpty() && stack != null) {
      buildImage = stack.string("build-image", "");
    }
    if (buildImage.isEmpty()) {
      throw toml.error("build.image", "missing required key (or legacy stack.build-image)");
    }
    List<RunMetadata.RunImage> runImages = new ArrayList<>();
    TomlTable run = toml.table("run").orElse(null);
    if (run != null) {
      for (TomlTable t : run.tables("images")) {
        runImages.add(new RunMetadata.RunImage(t.requireString("image"), t.strings("mirrors")));
      }
    }
    if (runImages.isEmpty() && stack != null && !stack.string("run-image", "").isEmpty()) {
      runImages.add(new RunMetadata.RunImage(stack.string("run-image", ""), stack.strings("run-image-mirrors")));
    }
    if (runImages.isEmpty()) {
      throw toml.error("run.images", "missing: at least one run image is required (or legacy stack.run-image)");
    }

    List<BuildEnv> env = new ArrayList<>();
    if (build != null) {
      List<TomlTable> envs = build.tables("env");
      for (TomlTable e : envs) {
        try {
          env.add(new BuildEnv(e.requireString("name"), e.string("value", ""), e.string("suffix", "")));
        } catch (IllegalArgumentException ex) {
          throw e.error("name", ex.getMessage());
        }
      }
    }
    if (toml.has("lifecycle")) {
      warnings.add(file.getFileName() + ": [lifecycle] is ignored: cnbfarm runs its own lifecycle phases");
    }
    return new BuilderConfig(toml.string("description", ""), buildpacks, extensions, new Order(bpOrder, extOrder),
        buildImage, runImages, stack == null ? "" : stack.string("id", ""), env, warnings);
  }

  private static List<ModuleDescriptor> modules(TomlTable toml, String key, ModuleKind kind, Path base) {
    List<ModuleDescriptor> out = new ArrayList<>();
    List<TomlTable> entries = toml.tables(key);
    for (TomlTable entry : entries) {
      String uri = entry.requireString("uri");
      if (uri.startsWith("file://")) {
        uri = uri.substring("file://".length());
      } else if (uri.contains("://")) {
        throw entry.error("uri", "'" + uri + "': only local directories are supported");
      }
      Path dir = base.resolve(uri).normalize();
      if (!Files.isDirectory(dir)) {
        throw entry.error("uri", "'" + uri + "': no such directory " + dir);
      }
      if (!Files.isRegularFile(dir.resolve(kind.descriptorFile()))) {
        throw entry.error("uri", "'" + uri + "': no " + kind.descriptorFile() + " in " + dir);
      }
      ModuleDescriptor d;
      try {
        d = ModuleDescriptor.read(kind, dir);
      } catch (LifecycleException e) {
        throw entry.error("uri", e.getMessage());
      }
      String id = entry.string("id", "");
      if (!id.isEmpty() && !id.equals(d.id())) {
        throw entry.error("id", "'" + id + "' does not match " + kind.descriptorFile() + "'s id '" + d.id() + "'");
      }
      String version = entry.string("version", "");
      if (!version.isEmpty() && !version.equals(d.version())) {
        throw entry.error("version",
            "'" + version + "' does not match " + kind.descriptorFile() + "'s version '" + d.version() + "'");
      }
      for (ModuleDescriptor other : out) {
        if (other.id().equals(d.id()) && other.version().equals(d.version())) {
          throw entry.error("uri", kind.label() + " " + d.coordinates() + " is given twice");
        }
      }
      out.add(d);
    }
    return out;
  }

  private static OrderGroup resolve(TomlTable table, String where, OrderGroup group, List<ModuleDescriptor> own,
      List<ModuleDescriptor> other, ModuleKind kind) {
    List<ModuleRef> out = new ArrayList<>();
    for (int i = 0; i < group.elements().size(); i++) {
      ModuleRef ref = group.elements().get(i);
      String key = (where.isEmpty() ? "" : where + ".") + "group[" + i + "]";
      List<ModuleDescriptor> sameId = own.stream().filter(d -> d.id().equals(ref.id())).toList();
      if (sameId.isEmpty()) {
        String otherKind = kind == ModuleKind.BUILDPACK ? "extension" : "buildpack";
        if (other.stream().anyMatch(d -> d.id().equals(ref.id()))) {
          throw table.error(key, "'" + ref.id() + "' is a" + (kind == ModuleKind.BUILDPACK ? "n " : " ") + otherKind
              + ", not a" + (kind == ModuleKind.BUILDPACK ? " " : "n ") + kind.label()
              + (kind == ModuleKind.BUILDPACK ? " (extensions belong in [[order-extensions]])"
                  : " ([[order-extensions]] lists extensions only)"));
        }
        throw table.error(key, kind.label() + " '" + ref.coordinates() + "' is not provided (no [["
            + (kind == ModuleKind.BUILDPACK ? "buildpacks" : "extensions") + "]] with that id)");
      }
      String version = ref.version();
      if (version.isEmpty()) {
        if (sameId.size() > 1) {
          throw table.error(key, kind.label() + " '" + ref.id() + "' needs a version: " + sameId.size()
              + " versions are provided");
        }
        version = sameId.get(0).version();
      } else {
        String v = version;
        if (sameId.stream().noneMatch(d -> d.version().equals(v))) {
          throw table.error(key, kind.label() + " '" + ref.coordinates() + "' is not provided (provided: "
              + sameId.stream().map(ModuleDescriptor::coordinates).toList() + ")");
        }
      }
      out.add(new ModuleRef(kind, ref.id(), version, ref.optional()));
    }
    return new OrderGroup(out);
  }
}
