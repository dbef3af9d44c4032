package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.lifecycle.dockerfile.ArgDeclaration;
import dev.cnbfarm.lifecycle.dockerfile.Instruction;
import dev.cnbfarm.lifecycle.dockerfile.VariableExpander;

/** {@code ARG name[=default]}: the build arg's value if given, else the default (expanded). */
final class ArgStep implements StepCommand {
  @Override
  public void apply(Instruction ins, BuildState st, StepTools tools) {
    for (ArgDeclaration arg : ArgDeclaration.parseAll(st.dockerfile, ins)) {
      String given = st.request.buildArgs().get(arg.name());
      if (given != null) {
        st.argsInScope.put(arg.name(), given);
      } else if (arg.defaultValue().isPresent()) {
        st.argsInScope.put(arg.name(), VariableExpander.expand(arg.defaultValue().get(), st.expansionVars(), st.escape()));
      }
      st.nextKey("ARG " + arg.name());
    }
  }
}
