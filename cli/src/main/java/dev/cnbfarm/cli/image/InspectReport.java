package dev.cnbfarm.cli.image;

import dev.cnbfarm.image.builder.BuilderImage;
import dev.cnbfarm.image.inspect.AppImageInfo;
import dev.cnbfarm.image.inspect.TerminalText;
import dev.cnbfarm.lifecycle.builder.BuilderMetadata;
import dev.cnbfarm.lifecycle.builder.ModuleLayer;
import dev.cnbfarm.lifecycle.buildpack.ModuleRef;
import dev.cnbfarm.lifecycle.buildpack.OrderGroup;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import java.util.List;

/** The text {@code cnbfarm inspect} prints, laid out as {@code pack inspect} / {@code pack builder inspect} do. Stateless. */
final class InspectReport {
  private InspectReport() {}

  static String app(String name, AppImageInfo info) {
    StringBuilder out = new StringBuilder("Inspecting image: " + name + "\n\n");
    out.append("Base Image:\n");
    out.append("  Reference: ").append(orNone(info.runImage().reference())).append('\n');
    out.append("  Top Layer: ").append(orNone(info.runImage().topLayer())).append("\n\n");
    out.append("Run Images:\n");
    if (info.runImage().image().isEmpty()) {
      out.append("  (none)\n");
    } else {
      out.append("  ").append(info.runImage().image()).append('\n');
      info.runImage().mirrors().forEach(m -> out.append("  ").append(m).append(" (mirror)\n"));
    }
    out.append("\nRebasable: ").append(info.rebasable().isEmpty() ? "(not set)" : info.rebasable()).append("\n\n");
    modules(out, "Buildpacks", info.build().buildpacks());
    modules(out, "Extensions", info.build().extensions());
    out.append("Processes:\n");
    if (info.build().processes().isEmpty()) {
      out.append("  (none)\n");
    } else {
      Columns table = new Columns("TYPE", "COMMAND", "ARGS", "DIRECT", "BUILDPACK");
      for (BuildMetadataLabel.Process p : info.build().processes()) {
        boolean isDefault = info.defaultProcess().filter(p.type()::equals).isPresent();
        table.row(p.type() + (isDefault ? " (default)" : ""), String.join(" ", p.command()), String.join(" ", p.args()),
            String.valueOf(p.direct()), p.buildpackId());
      }
      table.printTo(out);
    }
    return TerminalText.printable(out.toString());
  }

  static String builder(String name, BuilderImage builder) {
    BuilderMetadata m = builder.metadata();
    StringBuilder out = new StringBuilder("Inspecting builder: " + name + "\n\n");
    out.append("Description: ").append(orNone(m.description())).append("\n\n");
    out.append("Created By:\n  Name: ").append(orNone(m.createdBy().name())).append("\n  Version: ")
        .append(orNone(m.createdBy().version())).append("\n\n");
    out.append("Lifecycle:\n  Version: ").append(orNone(m.lifecycle().version())).append("\n\n");
    out.append("Run Images:\n");
    if (m.runImages().isEmpty()) {
      out.append("  (none)\n");
    }
    for (RunMetadata.RunImage run : m.runImages()) {
      out.append("  ").append(run.image()).append('\n');
      run.mirrors().forEach(mirror -> out.append("  ").append(mirror).append(" (mirror)\n"));
    }
    out.append('\n');
    layers(out, "Buildpacks", builder.buildpacks());
    order(out, "Detection Order", builder.order());
    layers(out, "Extensions", builder.extensions());
    order(out, "Detection Order (Extensions)", builder.orderExtensions());
    return TerminalText.printable(out.toString());
  }

  private static void modules(StringBuilder out, String title, List<BuildMetadataLabel.Module> modules) {
    out.append(title).append(":\n");
    if (modules.isEmpty()) {
      out.append("  (none)\n\n");
      return;
    }
    Columns table = new Columns("ID", "VERSION", "HOMEPAGE");
    modules.forEach(mod -> table.row(mod.id(), mod.version(), mod.homepage()));
    table.printTo(out);
    out.append('\n');
  }

  private static void layers(StringBuilder out, String title, List<ModuleLayer> modules) {
    out.append(title).append(":\n");
    if (modules.isEmpty()) {
      out.append("  (none)\n\n");
      return;
    }
    Columns table = new Columns("ID", "NAME", "VERSION", "HOMEPAGE");
    modules.forEach(mod -> table.row(mod.id(), mod.name(), mod.version(), mod.homepage()));
    table.printTo(out);
    out.append('\n');
  }

  private static void order(StringBuilder out, String title, List<OrderGroup> order) {
    out.append(title).append(":\n");
    if (order.isEmpty()) {
      out.append("  (none)\n\n");
      return;
    }
    for (int g = 0; g < order.size(); g++) {
      out.append("  Group #").append(g + 1).append(":\n");
      for (ModuleRef ref : order.get(g).elements()) {
        out.append("    ").append(ref.coordinates()).append(ref.optional() ? " (optional)" : "").append('\n');
      }
    }
    out.append('\n');
  }

  private static String orNone(String s) {
    return s.isEmpty() ? "(none)" : s;
  }
}
