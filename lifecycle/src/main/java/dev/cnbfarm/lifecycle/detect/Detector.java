package dev.cnbfarm.lifecycle.detect;

import dev.cnbfarm.lifecycle.buildpack.ModuleDescriptor;
import dev.cnbfarm.lifecycle.buildpack.ModuleKind;
import dev.cnbfarm.lifecycle.buildpack.ModuleRef;
import dev.cnbfarm.lifecycle.buildpack.ModuleStore;
import dev.cnbfarm.lifecycle.buildpack.OrderGroup;
import dev.cnbfarm.lifecycle.buildpack.TargetMatcher;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Order;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The detect algorithm (buildpack.md "Order Resolution"; extensions.md §1.5–1.7): the extension
 * order is prepended to every buildpack group as an optional composite, so each group is tried with
 * extension group 1, then 2, ..., then with no extensions; composite buildpacks expand depth-first;
 * the first group that passes wins. The modules of a group are detected concurrently on
 * {@code executor}, and each module's {@code /bin/detect} runs at most once per detector. Modules
 * whose targets do not accept the run image: an optional one is skipped, a required one errors.
 * With an execution environment given (Platform API 0.15+, {@code CNB_EXEC_ENV}), a component
 * module whose {@code exec-env} list does not include it is left out of the group as if it were
 * not there (the reference's phase/detector.go), unless it is a required module the run image's
 * target refuses, which stays an error as before.
 * Not thread-safe: use one instance per detection.
 */
public final class Detector {
  private final ModuleStore store;
  private final ModuleDetector moduleDetector;
  private final TargetMatcher targets;
  private final Executor executor;
  private final Reporter reporter;
  private final String execEnv;
  private final Map<String, CompletableFuture<DetectRun>> runs = new ConcurrentHashMap<>();
  private final AtomicInteger invocations = new AtomicInteger();
  private final AtomicLong detectNanos = new AtomicLong();
  private int groupsTried;

  public Detector(ModuleStore store, ModuleDetector moduleDetector, TargetMatcher targets, Executor executor,
      Reporter reporter) {
    this(store, moduleDetector, targets, executor, reporter, "");
  }

  /** @param execEnv the execution environment modules must declare, or empty to take every module */
  public Detector(ModuleStore store, ModuleDetector moduleDetector, TargetMatcher targets, Executor executor,
      Reporter reporter, String execEnv) {
    this.execEnv = execEnv;
    this.store = store;
    this.moduleDetector = moduleDetector;
    this.targets = targets;
    this.executor = executor;
    this.reporter = reporter;
  }

  /** Checks every module the order names (API versions: exit 12; missing or bad descriptors). */
  public void verify(Order order) {
    for (OrderGroup g : order.extensions()) {
      g.elements().forEach(store::lookup);
    }
    for (OrderGroup g : order.buildpacks()) {
      verifyGroup(g, new HashSet<>());
    }
  }

  private void verifyGroup(OrderGroup group, Set<String> path) {
    for (ModuleRef ref : group.elements()) {
      ModuleDescriptor d = store.lookup(ref);
      if (d.isComposite()) {
        if (!path.add(d.coordinates())) {
          throw new LifecycleException(FailureCode.INVALID_INPUT, "buildpack " + d.coordinates()
              + " is part of its own order (cycle through " + path + ")");
        }
        d.order().forEach(g -> verifyGroup(g, path));
        path.remove(d.coordinates());
      }
    }
  }

  public DetectOutcome detect(Order order) {
    verify(order);
    List<OrderGroup> groups = order.buildpacks();
    Resolution r;
    if (order.hasExtensions()) {
      r = detectOrderWithExtensions(groups, order.extensions());
    } else {
      r = detectOrder(groups, List.of(), List.of(), false);
    }
    DetectOutcome.DetectStats stats = new DetectOutcome.DetectStats(invocations.get(),
        Duration.ofNanos(detectNanos.get()), groupsTried);
    if (r instanceof Resolution.Resolved ok) {
      List<GroupElement> bps = ok.group().stream().filter(e -> !e.isExtension()).toList();
      List<GroupElement> exts = ok.group().stream().filter(GroupElement::isExtension).toList();
      return new DetectOutcome.Detected(bps, exts, ok.plan(), stats);
    }
    Resolution.Unresolved no = (Resolution.Unresolved) r;
    return new DetectOutcome.NotDetected(no.errored() ? FailureCode.DETECT_ERRORED : FailureCode.DETECT_FAILED, stats);
  }

  /** Each buildpack group, prefixed by the extension order as an optional composite element. */
  private Resolution detectOrderWithExtensions(List<OrderGroup> groups, List<OrderGroup> extensions) {
    boolean errored = false;
    for (OrderGroup g : groups) {
      List<Item> items = new ArrayList<>();
      items.add(Item.extensions(extensions));
      g.elements().forEach(e -> items.add(Item.of(e)));
      Resolution r = detectGroup(items, List.of());
      if (r instanceof Resolution.Resolved) {
        return r;
      }
      errored |= ((Resolution.Unresolved) r).errored();
    }
    return new Resolution.Unresolved(errored, List.of());
  }

  private Resolution detectOrder(List<OrderGroup> order, List<GroupElement> done, List<Item> next, boolean optional) {
    boolean errored = false;
    for (OrderGroup g : order) {
      List<Item> items = new ArrayList<>();
      g.elements().forEach(e -> items.add(Item.of(e)));
      items.addAll(next);
      Resolution r = detectGroup(items, done);
      if (r instanceof Resolution.Resolved) {
        return r;
      }
      errored |= ((Resolution.Unresolved) r).errored();
    }
    if (optional) {
      // an error in a skipped optional order still makes "no group passed" exit 21, not 20
      Resolution r = detectGroup(next, done);
      return errored && r instanceof Resolution.Unresolved u ? new Resolution.Unresolved(true, u.notes()) : r;
    }
    return new Resolution.Unresolved(errored, List.of());
  }

  private Resolution detectGroup(List<Item> items, List<GroupElement> doneSoFar) {
    List<GroupElement> done = new ArrayList<>(doneSoFar);
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      List<Item> rest = items.subList(i + 1, items.size());
      if (item.isExtensionOrder()) {
        return detectOrder(item.extensions(), done, rest, true);
      }
      ModuleDescriptor d = store.lookup(item.ref());
      GroupElement el = new GroupElement(d, item.ref().optional());
      if (done.stream().anyMatch(el::sameModule)) {
        continue;
      }
      if (d.isComposite()) {
        return detectOrder(d.order(), done, rest, item.ref().optional());
      }
      if (!execEnv.isEmpty() && !d.runsIn(execEnv) && (el.optional() || targets.accepts(d.effectiveTargets()))) {
        reporter.debug("Skipping " + el + " due to execution environment mismatch; current: " + execEnv
            + ", it supports: " + d.execEnv());
        continue;
      }
      done.add(el);
      runs.computeIfAbsent(el.key(), k -> start(el));
    }
    groupsTried++;
    Map<String, DetectRun> results = new LinkedHashMap<>();
    for (GroupElement el : done) {
      results.put(el.key(), runs.get(el.key()).join());
    }
    reporter.debug("======== Trying group: " + done + " ========");
    done.forEach(el -> printOutput(el, results.get(el.key())));
    Resolution r = PlanResolver.resolve(done, results);
    if (r instanceof Resolution.Resolved) {
      r.notes().forEach(reporter::info);
    } else {
      r.notes().forEach(reporter::debug);
    }
    return r;
  }

  private CompletableFuture<DetectRun> start(GroupElement el) {
    if (!targets.accepts(el.module().effectiveTargets())) {
      String why = "no target of " + el + " " + el.module().effectiveTargets() + " matches the run image";
      DetectRun run = el.optional() ? DetectRun.skipped(why) : DetectRun.error(why, "", Duration.ZERO, false);
      return CompletableFuture.completedFuture(run);
    }
    return CompletableFuture.supplyAsync(() -> {
      DetectRun run = moduleDetector.detect(el.module());
      if (run.executed()) {
        invocations.incrementAndGet();
        detectNanos.addAndGet(run.elapsed().toNanos());
      }
      return run;
    }, executor);
  }

  private void printOutput(GroupElement el, DetectRun run) {
    boolean loud = run.errored();
    if (!run.output().isBlank()) {
      emit(loud, "======== Output: " + el + " ========");
      emit(loud, run.output().stripTrailing());
    }
    if (run.errored()) {
      emit(true, "======== Error: " + el + " ========");
      emit(true, run.reason());
    }
  }

  private void emit(boolean info, String line) {
    if (info) {
      reporter.info(line);
    } else {
      reporter.debug(line);
    }
  }

  /** A step of a group: a module, or the whole extension order as one optional composite. */
  private record Item(ModuleRef ref, List<OrderGroup> extensions) {
    static Item of(ModuleRef ref) {
      return new Item(ref, List.of());
    }

    static Item extensions(List<OrderGroup> order) {
      return new Item(new ModuleRef(ModuleKind.EXTENSION, "<extensions>", "", true), order);
    }

    boolean isExtensionOrder() {
      return !extensions.isEmpty();
    }
  }
}
