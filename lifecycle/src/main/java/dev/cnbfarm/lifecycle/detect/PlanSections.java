package dev.cnbfarm.lifecycle.detect;

import dev.cnbfarm.lifecycle.platform.Plan;
import java.util.List;

/** One alternative of a module's detect output: what it provides and what it requires. Immutable. */
public record PlanSections(List<String> provides, List<Plan.Require> requires) {
  public static final PlanSections EMPTY = new PlanSections(List.of(), List.of());

  public PlanSections {
    provides = List.copyOf(provides);
    requires = List.copyOf(requires);
  }
}
