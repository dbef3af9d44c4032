package dev.cnbfarm.lifecycle.detect;

import dev.cnbfarm.lifecycle.buildpack.ModuleDescriptor;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Plan;
import dev.cnbfarm.lifecycle.toml.Toml;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the plan a module's detection wrote ({@code [[provides]]}, {@code [[requires]]},
 * {@code [[or]]}) and applies the spec's rules: extensions may only provide; a requirement gives
 * its version in {@code metadata.version}, never at the top level. Stateless.
 */
final class PlanOutputReader {
  private PlanOutputReader() {}

  /** The plan alternatives (first = top level); throws with a message naming file and line. */
  static List<PlanSections> read(ModuleDescriptor module, String text, String label) {
    if (text.isBlank()) {
      return List.of(PlanSections.EMPTY);
    }
    TomlTable toml = Toml.parse(text, label, FailureCode.DETECT_ERROR);
    List<PlanSections> out = new ArrayList<>();
    out.add(sections(module, toml, text, label));
    for (TomlTable or : toml.tables("or")) {
      out.add(sections(module, or, text, label));
    }
    return out;
  }

  private static PlanSections sections(ModuleDescriptor module, TomlTable t, String text, String label) {
    List<String> provides = new ArrayList<>();
    for (TomlTable p : t.tables("provides")) {
      provides.add(p.requireString("name"));
    }
    List<TomlTable> requireTables = t.tables("requires");
    if (module.isExtension() && !requireTables.isEmpty()) {
      throw new LifecycleException(FailureCode.DETECT_ERROR, label + lineOf(text, "requires")
          + ": extension " + module.coordinates() + " outputs \"requires\" which is not allowed");
    }
    List<Plan.Require> requires = new ArrayList<>();
    for (TomlTable r : requireTables) {
      Map<String, Object> metadata = new LinkedHashMap<>(r.rawTable("metadata"));
      if (r.has("version")) {
        // As the reference (buildpack/detect.go): a top-level version fails the module's detection,
        // with or without metadata.version beside it (the top-level message is the one it reports).
        throw new LifecycleException(FailureCode.DETECT_ERROR, label + lineOf(text, "version") + ": "
            + module.kind().label() + " " + module.coordinates() + " has a \"version\" key which is not "
            + "supported; \"metadata.version\" should be used instead");
      }
      requires.add(new Plan.Require(r.requireString("name"), metadata));
    }
    return new PlanSections(provides, requires);
  }

  /** {@code ": line N"} for the first line mentioning {@code word} as a key or table, or "". */
  static String lineOf(String text, String word) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i].trim();
      if (l.matches("\\[\\[?([\\w.-]+\\.)?" + word + "]]?.*") || l.matches(word + "\\s*=.*")) {
        return ": line " + (i + 1);
      }
    }
    return "";
  }
}
