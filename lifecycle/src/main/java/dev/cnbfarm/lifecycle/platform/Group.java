package dev.cnbfarm.lifecycle.platform;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.toml.Toml;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code group.toml}: the buildpacks ({@code [[group]]}) and extensions
 * ({@code [[group-extensions]]}) chosen by detect, in execution order. Immutable.
 */
public record Group(List<GroupEntry> buildpacks, List<GroupEntry> extensions) {
  public Group {
    buildpacks = List.copyOf(buildpacks);
    extensions = List.copyOf(extensions);
  }

  public static Group read(Path file) {
    TomlTable toml = Toml.read(file, FailureCode.INVALID_INPUT);
    return new Group(entries(toml, "group"), entries(toml, "group-extensions"));
  }

  private static List<GroupEntry> entries(TomlTable toml, String key) {
    List<GroupEntry> out = new ArrayList<>();
    for (TomlTable t : toml.tables(key)) {
      out.add(new GroupEntry(t.requireString("id"), t.requireString("version"), t.requireString("api"),
          t.string("homepage", "")));
    }
    return out;
  }

  public void write(Path file) {
    Toml.write(file, toToml());
  }

  public Map<String, Object> toToml() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("group", buildpacks.stream().map(GroupEntry::toToml).toList());
    if (!extensions.isEmpty()) {
      out.put("group-extensions", extensions.stream().map(GroupEntry::toToml).toList());
    }
    return out;
  }
}
