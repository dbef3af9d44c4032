package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.lifecycle.dockerfile.Instruction;
import dev.cnbfarm.lifecycle.dockerfile.KeyValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ENV k=v ...}: sets config Env (values expanded with what was in scope before). */
final class EnvStep implements StepCommand {
  @Override
  public void apply(Instruction ins, BuildState st, StepTools tools) {
    Map<String, String> vars = st.expansionVars();
    Map<String, String> env = st.imageEnv();
    StringBuilder identity = new StringBuilder("ENV");
    for (KeyValue kv : KeyValue.parseAll(st.dockerfile, ins)) {
      KeyValue e = kv.expanded(vars, st.escape());
      env.remove(e.key());
      env.put(e.key(), e.value());
      identity.append(' ').append(e.key()).append('=').append(e.value());
    }
    List<String> list = new ArrayList<>();
    new LinkedHashMap<>(env).forEach((k, v) -> list.add(k + "=" + v));
    st.image = st.image.withConfig(st.config().withEnv(list));
    st.nextKey(identity.toString());
  }
}
