package dev.cnbfarm.lifecycle.detect;

import dev.cnbfarm.lifecycle.platform.Plan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a detected group passes and builds its plan (buildpack.md "Phase #1:
 * Detection"): every non-optional module must pass, at least one buildpack must pass, and some
 * choice of {@code [[or]]} alternatives must leave no unmet requirement of a required module and no
 * unused provision of a required module. Optional modules (all extensions) with unmet requirements
 * or unused provisions are dropped. Stateless.
 */
final class PlanResolver {
  private PlanResolver() {}

  static Resolution resolve(List<GroupElement> done, Map<String, DetectRun> runs) {
    List<String> notes = new ArrayList<>();
    List<GroupElement> passed = new ArrayList<>();
    boolean detected = true;
    boolean errored = false;
    boolean anyBuildpack = false;
    for (GroupElement el : done) {
      DetectRun run = runs.get(el.key());
      if (run.passed()) {
        notes.add("pass: " + el);
        passed.add(el);
        anyBuildpack |= !el.isExtension();
      } else if (run.errored()) {
        notes.add("err:  " + el + " (" + run.reason() + ")");
        errored = true;
        detected &= el.optional();
      } else {
        notes.add((el.optional() ? "skip: " : "fail: ") + el + " (" + run.reason() + ")");
        detected &= el.optional();
      }
    }
    if (!detected) {
      return new Resolution.Unresolved(errored, notes);
    }
    if (!anyBuildpack) {
      notes.add("fail: no viable buildpacks in group");
      return new Resolution.Unresolved(false, notes);
    }
    List<List<Option>> choices = new ArrayList<>();
    for (GroupElement el : passed) {
      choices.add(options(el, runs.get(el.key())));
    }
    Resolution r = trials(choices, 0, new ArrayList<>(), notes);
    if (r instanceof Resolution.Resolved ok && ok.group().size() != done.size()) {
      List<String> n = new ArrayList<>(ok.notes());
      n.add(ok.group().size() + " of " + done.size() + " buildpacks participating");
      return new Resolution.Resolved(ok.group(), ok.plan(), n);
    }
    return r;
  }

  /** The top-level plan and each {@code [[or]]}; only the last alternative keeps {@code optional}. */
  private static List<Option> options(GroupElement el, DetectRun run) {
    List<PlanSections> all = new ArrayList<>();
    all.add(run.plan());
    all.addAll(run.alternatives());
    List<Option> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      out.add(new Option(new GroupElement(el.module(), el.optional() && i == all.size() - 1), all.get(i)));
    }
    return out;
  }

  private static Resolution trials(List<List<Option>> choices, int index, List<Option> prefix, List<String> notes) {
    if (index == choices.size()) {
      return trial(prefix, notes);
    }
    Resolution last = new Resolution.Unresolved(false, notes);
    for (Option o : choices.get(index)) {
      List<Option> next = new ArrayList<>(prefix);
      next.add(o);
      last = trials(choices, index + 1, next, notes);
      if (last instanceof Resolution.Resolved) {
        return last;
      }
    }
    return last;
  }

  private static Resolution trial(List<Option> start, List<String> before) {
    List<String> notes = new ArrayList<>(before);
    List<Option> trial = new ArrayList<>(start);
    Map<String, Dependency> deps;
    boolean retry = true;
    while (true) {
      deps = dependencies(trial);
      retry = false;
      for (Map.Entry<String, Dependency> d : deps.entrySet()) {
        for (GroupElement el : d.getValue().earlyRequires) {
          if (!el.optional()) {
            notes.add("fail: " + el + " requires " + d.getKey());
            return new Resolution.Unresolved(false, notes);
          }
          notes.add("skip: " + el + " requires " + d.getKey());
          retry |= trial.removeIf(o -> o.element().sameModule(el));
        }
      }
      for (Map.Entry<String, Dependency> d : deps.entrySet()) {
        for (GroupElement el : d.getValue().extraProvides) {
          if (!el.optional()) {
            notes.add("fail: " + el + " provides unused " + d.getKey());
            return new Resolution.Unresolved(false, notes);
          }
          notes.add("skip: " + el + " provides unused " + d.getKey());
          retry |= trial.removeIf(o -> o.element().sameModule(el));
        }
      }
      if (!retry) {
        break;
      }
    }
    if (trial.stream().noneMatch(o -> !o.element().isExtension())) {
      notes.add("fail: no viable buildpacks in group");
      return new Resolution.Unresolved(false, notes);
    }
    List<Plan.Entry> entries = new ArrayList<>();
    deps.values().forEach(d -> entries.add(new Plan.Entry(d.providers, d.requires)));
    return new Resolution.Resolved(trial.stream().map(o -> new GroupElement(o.element().module(), false)).toList(),
        new Plan(entries), notes);
  }

  /**
   * Walks the trial in order: a provision waits for a later requirement; a requirement takes the
   * provisions seen so far, or is unmet if there are none (the reference's depMap).
   */
  private static Map<String, Dependency> dependencies(List<Option> trial) {
    Map<String, Dependency> deps = new LinkedHashMap<>();
    for (Option o : trial) {
      for (String p : o.sections().provides()) {
        deps.computeIfAbsent(p, k -> new Dependency()).extraProvides.add(o.element());
      }
      for (Plan.Require r : o.sections().requires()) {
        Dependency d = deps.computeIfAbsent(r.name(), k -> new Dependency());
        for (GroupElement provider : d.extraProvides) {
          d.providers.add(new Plan.Provider(provider.module().id(), provider.module().version(),
              provider.isExtension()));
        }
        d.extraProvides.clear();
        if (d.providers.isEmpty()) {
          d.earlyRequires.add(o.element());
        } else {
          d.requires.add(r);
        }
      }
    }
    return deps;
  }

  private record Option(GroupElement element, PlanSections sections) {}

  private static final class Dependency {
    final List<Plan.Provider> providers = new ArrayList<>();
    final List<Plan.Require> requires = new ArrayList<>();
    final List<GroupElement> extraProvides = new ArrayList<>();
    final List<GroupElement> earlyRequires = new ArrayList<>();
  }
}
