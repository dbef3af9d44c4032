package dev.cnbfarm.lifecycle.build;

import java.util.List;

/** A completed build: each buildpack's outputs in order and the metadata.toml written. Immutable. */
public record BuildResult(List<BuildpackOutput> outputs, BuildMetadata metadata) {
  public BuildResult {
    outputs = List.copyOf(outputs);
  }
}
