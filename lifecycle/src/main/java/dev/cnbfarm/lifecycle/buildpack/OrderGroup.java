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

  /**
   * Groups as order.toml and the builder's order labels spell them: {@code {group: [{id, version,
   * optional}]}}, with {@code version} only when known and {@code optional} only for buildpacks.
   */
  public static List<Object> toTables(List<OrderGroup> groups, boolean extension) {
    List<Object> out = new ArrayList<>();
    for (OrderGroup g : groups) {
      List<Object> els = new ArrayList<>();
      for (ModuleRef r : g.elements()) {
        java.util.Map<String, Object> el = new java.util.LinkedHashMap<>();
        el.put("id", r.id());
        if (!r.version().isEmpty()) {
          el.put("version", r.version());
        }
        if (r.optional() && !extension) {
          el.put("optional", true);
        }
        els.add(el);
      }
      out.add(java.util.Map.of("group", els));
    }
    return out;
  }
}
