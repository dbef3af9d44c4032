package dev.cnbfarm.lifecycle.build;

import dev.cnbfarm.lifecycle.exec.Execution;
import java.nio.file.Path;
import java.util.List;

/**
 * What one buildpack's {@code /bin/build} left (buildpack.md "Phase #3: Build" outputs): its
 * layers, the processes, labels and slices of {@code launch.toml}, the plan entries it left unmet
 * ({@code build.toml}), the SBOM files and {@code exec.d} dirs found, and how it ran. Immutable.
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
    List<Path> execDirs) {
  public BuildpackOutput {
    layers = List.copyOf(layers);
    processes = List.copyOf(processes);
    labels = List.copyOf(labels);
    slices = List.copyOf(slices);
    unmet = List.copyOf(unmet);
    sboms = List.copyOf(sboms);
    execDirs = List.copyOf(execDirs);
  }

  public String coordinates() {
    return id + "@" + version;
  }
}
