package dev.cnbfarm.lifecycle.generate;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The run image after the run.Dockerfiles (extensions.md §5.3): a new base when one switches, whether
 * the (new or original) run image must be extended, and the extensions whose run.Dockerfile a later
 * switch made moot (renamed {@code .ignore}). Immutable.
 */
public record RunImageChoice(String newBase, boolean extend, Set<String> ignored) {
  public RunImageChoice {
    ignored = Set.copyOf(ignored);
  }

  public Optional<String> switchTo() {
    return newBase.isEmpty() ? Optional.empty() : Optional.of(newBase);
  }

  /**
   * Walks the run.Dockerfiles from last to first: the last switch wins and makes every earlier one
   * moot; {@code extend} is true when the winning switch has instructions of its own or any later
   * run.Dockerfile extends (the reference lifecycle's {@code runImageFrom}; decisions.md #5).
   */
  public static RunImageChoice of(List<ExtensionOutput> outputs) {
    List<ExtensionOutput> runs = outputs.stream().filter(ExtensionOutput::hasRun).toList();
    String base = "";
    boolean extend = false;
    boolean switched = false;
    Set<String> ignored = new java.util.HashSet<>();
    for (int i = runs.size() - 1; i >= 0; i--) {
      ExtensionOutput o = runs.get(i);
      if (switched) {
        ignored.add(o.extensionId());
        continue;
      }
      var check = o.runCheck().orElseThrow();
      extend |= check.extend();
      if (check.switches()) {
        base = check.switchTo().orElseThrow();
        switched = true;
      }
    }
    return new RunImageChoice(base, extend, ignored);
  }
}
