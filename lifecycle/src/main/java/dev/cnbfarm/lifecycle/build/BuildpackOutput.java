package dev.cnbfarm.lifecycle.build;

import dev.cnbfarm.lifecycle.exec.Execution;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What one buildpack's {@code /bin/build} left (buildpack.md "Phase #3: Build" outputs): its
 * layers, the processes, labels and slices of {@code launch.toml}, the plan entries it left unmet
 * ({@code build.toml}), the SBOM files and {@code exec.d} dirs found, the legacy {@code [[bom]]}
 * entries of launch.toml and build.toml ({@code name}, {@code metadata}), and how it ran. Immutable.
 */
public record BuildpackOutput(
    String id,
    String version,
    Execution execution,
    List<Layer> layers,
    List<LaunchProcess> processes,
    List<Label> labels,
    List<Slice> slices,
    List<String> unmet,
    List<Path> sboms,
    List<Path> execDirs,
    List<Map<String, Object>> launchBom,
    List<Map<String, Object>> buildBom) {
  public BuildpackOutput {
    layers = List.copyOf(layers);
    processes = List.copyOf(processes);
    labels = List.copyOf(labels);
    slices = List.copyOf(slices);
    unmet = List.copyOf(unmet);
    sboms = List.copyOf(sboms);
    execDirs = List.copyOf(execDirs);
    launchBom = List.copyOf(launchBom);
    buildBom = List.copyOf(buildBom);
  }

  /** An output without legacy BOM entries. */
  public BuildpackOutput(String id, String version, Execution execution, List<Layer> layers,
      List<LaunchProcess> processes, List<Label> labels, List<Slice> slices, List<String> unmet, List<Path> sboms,
      List<Path> execDirs) {
    this(id, version, execution, layers, processes, labels, slices, unmet, sboms, execDirs, List.of(), List.of());
  }

  public String coordinates() {
    return id + "@" + version;
  }
}
