package dev.cnbfarm.lifecycle.generate;

import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Plan;
import java.util.List;

/**
 * What generate decided: the plan without extension-met entries, analyzed.toml with the chosen run
 * image, each extension's outputs, and the run-image choice. Immutable.
 */
public record GenerateResult(Plan plan, Analyzed analyzed, List<ExtensionOutput> outputs, RunImageChoice runImage) {
  public GenerateResult {
    outputs = List.copyOf(outputs);
  }

  /** True when some extension wrote a build.Dockerfile: the build image must be extended. */
  public boolean extendsBuildImage() {
    return outputs.stream().anyMatch(ExtensionOutput::hasBuild);
  }
}
