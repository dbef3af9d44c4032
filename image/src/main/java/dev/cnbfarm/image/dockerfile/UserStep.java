package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.lifecycle.dockerfile.Instruction;
import dev.cnbfarm.lifecycle.dockerfile.UserSpec;

/** {@code USER user[:group]}: sets config User (names are resolved when a step runs). */
final class UserStep implements StepCommand {
  @Override
  public void apply(Instruction ins, BuildState st, StepTools tools) {
    UserSpec spec = UserSpec.resolve(st.dockerfile, ins, st.expansionVars());
    String user = spec.groupIfSet().map(g -> spec.user() + ":" + g).orElse(spec.user());
    for (String id : user.split(":", -1)) {
      if (id.matches("\\d+") && (id.length() > 10 || Long.parseLong(id) > Integer.MAX_VALUE)) {
        throw StepFailure.of(st, ins, "'" + id + "' is out of range for a uid or gid (0 to " + Integer.MAX_VALUE + ")");
      }
    }
    st.setImage(st.image().withConfig(st.config().withUser(user)));
    st.nextKey("USER " + user);
  }
}
