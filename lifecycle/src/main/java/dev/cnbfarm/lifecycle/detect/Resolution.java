package dev.cnbfarm.lifecycle.detect;

import dev.cnbfarm.lifecycle.platform.Plan;
import java.util.List;

/** The result of resolving one candidate group. Immutable. */
sealed interface Resolution {
  /** Lines explaining the outcome: which modules passed, failed or were skipped, and why. */
  List<String> notes();

  /** The group passed: the modules that take part and the build plan. */
  record Resolved(List<GroupElement> group, Plan plan, List<String> notes) implements Resolution {
    public Resolved {
      group = List.copyOf(group);
      notes = List.copyOf(notes);
    }
  }

  /** The group failed; {@code errored} when a module errored rather than failed. */
  record Unresolved(boolean errored, List<String> notes) implements Resolution {
    public Unresolved {
      notes = List.copyOf(notes);
    }
  }
}
