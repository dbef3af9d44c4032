package dev.cnbfarm.lifecycle.build;

import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.report.Reporter;
import dev.cnbfarm.lifecycle.toml.Toml;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code <layers>/config/metadata.toml} (platform.md "metadata.toml"): the group's buildpacks and
 * extensions (extensions.md §7), the processes of every buildpack (a later buildpack's type
 * replaces an earlier one's; sorted by type), the labels and slices in buildpack order, and the
 * default process type. Immutable.
 */
public record BuildMetadata(List<GroupEntry> buildpacks, List<GroupEntry> extensions,
    List<LaunchProcess> processes, List<Label> labels, List<Slice> slices, String defaultProcessType) {
  public BuildMetadata {
    buildpacks = List.copyOf(buildpacks);
    extensions = List.copyOf(extensions);
    processes = List.copyOf(processes);
    labels = List.copyOf(labels);
    slices = List.copyOf(slices);
  }

  /**
   * Merges the outputs in build order. The last buildpack to mark a process default wins; a later
   * buildpack that redefines the default type without marking it default clears the default (as
   * the reference lifecycle does, with a warning).
   */
  static BuildMetadata of(List<GroupEntry> buildpacks, List<GroupEntry> extensions, List<BuildpackOutput> outputs,
      Reporter reporter) {
    Map<String, LaunchProcess> byType = new TreeMap<>();
    List<Label> labels = new ArrayList<>();
    List<Slice> slices = new ArrayList<>();
    String defaultType = "";
    for (BuildpackOutput out : outputs) {
      for (LaunchProcess p : out.processes()) {
        if (p.type().equals(defaultType) && !p.isDefault()) {
          reporter.warn("Warning: " + out.coordinates() + " redefines the default process type '" + p.type()
              + "' without marking it default; there is no default process now");
          defaultType = "";
        }
        if (p.isDefault()) {
          if (!defaultType.isEmpty() && !defaultType.equals(p.type())) {
            reporter.warn("Warning: " + out.coordinates() + " makes '" + p.type()
                + "' the default process type instead of '" + defaultType + "'");
          }
          defaultType = p.type();
        }
        byType.put(p.type(), p);
      }
      labels.addAll(out.labels());
      slices.addAll(out.slices());
    }
    String chosen = defaultType;
    List<LaunchProcess> processes =
        byType.values().stream().map(p -> p.withDefault(p.type().equals(chosen))).toList();
    return new BuildMetadata(buildpacks, extensions, processes, labels, slices, chosen);
  }

  public Optional<String> defaultProcess() {
    return defaultProcessType.isEmpty() ? Optional.empty() : Optional.of(defaultProcessType);
  }

  public void write(Path file) {
    Toml.write(file, toToml());
  }

  public Map<String, Object> toToml() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!defaultProcessType.isEmpty()) {
      m.put("buildpack-default-process-type", defaultProcessType);
    }
    m.put("buildpacks", buildpacks.stream().map(BuildMetadata::module).toList());
    if (!extensions.isEmpty()) {
      m.put("extensions", extensions.stream().map(BuildMetadata::module).toList());
    }
    m.put("processes", processes.stream().map(LaunchProcess::toToml).toList());
    m.put("labels", labels.stream().map(Label::toToml).toList());
    m.put("slices", slices.stream().map(Slice::toToml).toList());
    return m;
  }

  /**
   * A group element as the reference writes it (buildpack.GroupElement without {@code optional}
   * and {@code extension}): id, version, api and homepage, the last two when set, for buildpacks
   * and extensions alike.
   */
  private static Map<String, Object> module(GroupEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("version", e.version());
    if (!e.api().isEmpty()) {
      m.put("api", e.api());
    }
    if (!e.homepage().isEmpty()) {
      m.put("homepage", e.homepage());
    }
    return m;
  }
}
