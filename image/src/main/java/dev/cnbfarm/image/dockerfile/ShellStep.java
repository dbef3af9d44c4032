package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.lifecycle.dockerfile.Instruction;
import java.util.List;

/** {@code SHELL ["executable", "param"]}: the shell of later shell-form RUNs. */
final class ShellStep implements StepCommand {
  @Override
  public void apply(Instruction ins, BuildState st, StepTools tools) {
    if (!ins.execForm() || ins.execArgs().isEmpty()) {
      throw StepFailure.of(st, ins, "SHELL needs the JSON form, e.g. SHELL [\"/bin/bash\", \"-c\"]");
    }
    st.shell = List.copyOf(ins.execArgs());
    st.nextKey("SHELL " + st.shell);
  }
}
