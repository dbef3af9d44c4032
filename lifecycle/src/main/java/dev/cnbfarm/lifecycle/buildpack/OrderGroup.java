package dev.cnbfarm.lifecycle.buildpack;

import java.util.ArrayList;
import java.util.List;

/** One {@code [[order.group]]}: modules tried together, in order. Immutable. */
public record OrderGroup(List<ModuleRef> elements) {
  public OrderGroup {
    elements = List.copyOf(elements);
  }

  /** This group followed by {@code rest}. */
  public List<ModuleRef> followedBy(List<ModuleRef> rest) {
    List<ModuleRef> out = new ArrayList<>(elements);
    out.addAll(rest);
    return out;
  }
}
