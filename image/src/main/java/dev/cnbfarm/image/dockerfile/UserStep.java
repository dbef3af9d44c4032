package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.lifecycle.dockerfile.Instruction;
import dev.cnbfarm.lifecycle.dockerfile.UserSpec;

/** {@code USER user[:group]}: sets config User (names are resolved when a step runs). */
final class UserStep implements StepCommand {
  @Override
  public void apply(Instruction ins, BuildState st, StepTools tools) {
    UserSpec spec = UserSpec.resolve(st.dockerfile, ins, st.expansionVars());
    String user = spec.groupIfSet().map(g -> spec.user() + ":" + g).orElse(spec.user());
    st.image = st.image.withConfig(st.config().withUser(user));
    st.nextKey("USER " + user);
  }
}
