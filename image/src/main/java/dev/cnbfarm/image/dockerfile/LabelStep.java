package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.lifecycle.dockerfile.Instruction;
import dev.cnbfarm.lifecycle.dockerfile.KeyValue;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code LABEL k=v ...}: sets config labels. */
final class LabelStep implements StepCommand {
  @Override
  public void apply(Instruction ins, BuildState st, StepTools tools) {
    Map<String, String> labels = new LinkedHashMap<>(st.config().labels());
    StringBuilder identity = new StringBuilder("LABEL");
    for (KeyValue kv : KeyValue.parseAll(st.dockerfile, ins)) {
      KeyValue e = kv.expanded(st.expansionVars(), st.escape());
      labels.put(e.key(), e.value());
      identity.append(' ').append(e.key()).append('=').append(e.value());
    }
    st.setImage(st.image().withConfig(st.config().withLabels(labels)));
    st.nextKey(identity.toString());
  }
}
