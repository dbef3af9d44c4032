package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.lifecycle.dockerfile.Instruction;

/**
 * Instructions outside the spec's list (CMD, ENTRYPOINT, EXPOSE...): warned about and skipped; the
 * exporter sets the app image's entrypoint anyway (image_extension.md "Dockerfile Requirements").
 */
final class SkippedStep implements StepCommand {
  @Override
  public void apply(Instruction ins, BuildState st, StepTools tools) {
    String w = st.dockerfile.label() + ": line " + ins.line() + ": " + ins.keyword()
        + " is not applied by the extender (not allowed in extension Dockerfiles); skipped";
    st.warnings.add(w);
    tools.reporter().warn(w);
  }
}
