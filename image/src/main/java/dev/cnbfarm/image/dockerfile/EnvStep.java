package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.lifecycle.dockerfile.Instruction;
import dev.cnbfarm.lifecycle.dockerfile.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ENV k=v ...}: sets config Env (values expanded with what was in scope before the
 * instruction, so all pairs are expanded before any is set).
 */
final class EnvStep implements StepCommand {
  @Override
  public void apply(Instruction ins, BuildState st, StepTools tools) {
    Map<String, String> vars = st.expansionVars();
    List<KeyValue> expanded = new ArrayList<>();
    StringBuilder identity = new StringBuilder("ENV");
    for (KeyValue kv : KeyValue.parseAll(st.dockerfile, ins)) {
      KeyValue e = kv.expanded(vars, st.escape());
      if (e.key().indexOf('\0') >= 0 || e.value().indexOf('\0') >= 0) {
        throw StepFailure.of(st, ins, "'" + e.key() + "' contains a NUL character");
      }
      expanded.add(e);
      identity.append(' ').append(e.key()).append('=').append(e.value());
    }
    expanded.forEach(e -> st.putEnv(e.key(), e.value()));
    st.nextKey(identity.toString());
  }
}
