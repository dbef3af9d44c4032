package dev.cnbfarm.lifecycle.platform;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.toml.Toml;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code plan.toml}: the resolved Build Plan, each entry with its providers (buildpacks or
 * extensions) and the requirements that met them (platform.md "plan.toml"). Immutable.
 */
public record Plan(List<Entry> entries) {
  public Plan {
    entries = List.copyOf(entries);
  }

  public static Plan read(Path file) {
    TomlTable toml = Toml.read(file, FailureCode.INVALID_INPUT);
    List<Entry> out = new ArrayList<>();
    for (TomlTable e : toml.tables("entries")) {
      List<Provider> providers = new ArrayList<>();
      for (TomlTable p : e.tables("providers")) {
        providers.add(new Provider(p.requireString("id"), p.string("version", ""), p.bool("extension", false)));
      }
      List<Require> requires = new ArrayList<>();
      for (TomlTable r : e.tables("requires")) {
        requires.add(new Require(r.requireString("name"), r.rawTable("metadata")));
      }
      out.add(new Entry(providers, requires));
    }
    return new Plan(out);
  }

  /**
   * The Buildpack Plan handed to one module: the requirements of every entry it provides
   * (the reference lifecycle's {@code Plan.Find}).
   */
  public List<Require> requirementsFor(String id, boolean extension) {
    List<Require> out = new ArrayList<>();
    for (Entry e : entries) {
      if (e.providers().stream().anyMatch(p -> p.id().equals(id) && p.extension() == extension)) {
        out.addAll(e.requires());
      }
    }
    return out;
  }

  /** This plan without the entries whose requirement names are in {@code met}. */
  public Plan without(Set<String> met) {
    return new Plan(entries.stream().filter(e -> e.requires().stream().noneMatch(r -> met.contains(r.name()))).toList());
  }

  public void write(Path file) {
    Toml.write(file, toToml());
  }

  public Map<String, Object> toToml() {
    List<Object> out = new ArrayList<>();
    for (Entry e : entries) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("providers", e.providers().stream().map(Provider::toToml).toList());
      m.put("requires", e.requires().stream().map(Require::toToml).toList());
      out.add(m);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("entries", out);
    return root;
  }

  /** Writes a Buildpack Plan file ({@code [[entries]] name, metadata}) for one module. */
  public static void writeBuildpackPlan(Path file, List<Require> requires) {
    Toml.write(file, Map.of("entries", requires.stream().map(Require::toToml).toList()));
  }

  /** One plan entry. Immutable. */
  public record Entry(List<Provider> providers, List<Require> requires) {
    public Entry {
      providers = List.copyOf(providers);
      requires = List.copyOf(requires);
    }
  }

  /** A module that provides an entry. Immutable. */
  public record Provider(String id, String version, boolean extension) {
    Map<String, Object> toToml() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", id);
      m.put("version", version);
      if (extension) {
        m.put("extension", true);
      }
      return m;
    }
  }

  /** A requirement: a dependency name and free-form metadata. Immutable (metadata copied). */
  public record Require(String name, Map<String, Object> metadata) {
    public Require {
      metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    Map<String, Object> toToml() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", name);
      if (!metadata.isEmpty()) {
        m.put("metadata", metadata);
      }
      return m;
    }
  }
}
