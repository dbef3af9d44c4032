package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.lifecycle.dockerfile.Instruction;
import dev.cnbfarm.lifecycle.dockerfile.VariableExpander;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code WORKDIR dir}: sets config WorkingDir, creating the directory (as a layer) when missing. */
final class WorkdirStep implements StepCommand {
  @Override
  public void apply(Instruction ins, BuildState st, StepTools tools) {
    String dir = VariableExpander.expand(ins.arguments().trim(), st.expansionVars(), st.escape());
    String abs = Path.of(st.workingDir()).resolve(dir).normalize().toString();
    st.setImage(st.image().withConfig(st.config().withWorkingDir(abs)));
    st.nextKey("WORKDIR " + abs);
    if (abs.equals("/") || new TreeCopy(st.image().lowersTopFirst()).exists(abs)) {
      return;
    }
    try {
      Path changes = Files.createTempDirectory(tools.scratch().root(), "workdir");
      new TreeCopy(st.image().lowersTopFirst()).makeParents(changes, abs, true);
      Steps.addLayer(st, tools.layers().make(changes, "WORKDIR " + abs));
      FileTrees.deleteRecursively(changes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
