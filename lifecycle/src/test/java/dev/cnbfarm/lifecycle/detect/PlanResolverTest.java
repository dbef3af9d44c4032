package dev.cnbfarm.lifecycle.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.buildpack.ModuleDescriptor;
import dev.cnbfarm.lifecycle.buildpack.ModuleKind;
import dev.cnbfarm.lifecycle.platform.Plan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The plan resolution rules on their own, from scripted detect results (buildpack.md "Phase #1:
 * Detection"; extensions.md §1.6, §1.7). End-to-end cases live in the phase tests.
 */
class PlanResolverTest {
  private final List<GroupElement> group = new java.util.ArrayList<>();
  private final Map<String, DetectRun> runs = new LinkedHashMap<>();

  private static PlanSections provides(String... names) {
    return new PlanSections(List.of(names), List.of());
  }

  private static PlanSections requires(String... names) {
    return new PlanSections(List.of(), java.util.Arrays.stream(names).map(n -> new Plan.Require(n, Map.of())).toList());
  }

  private static PlanSections both(String name) {
    return new PlanSections(List.of(name), List.of(new Plan.Require(name, Map.of())));
  }

  private PlanResolverTest element(ModuleKind kind, String id, boolean optional, int code, PlanSections plan,
      PlanSections... alternatives) {
    ModuleDescriptor d = new ModuleDescriptor(kind, ApiVersion.parse("0.10"), id, "1", "", "", false, List.of(),
        List.of(), Path.of("/cnb", id));
    GroupElement el = new GroupElement(d, optional || kind == ModuleKind.EXTENSION);
    group.add(el);
    runs.put(el.key(), new DetectRun(code, "", code == DetectRun.PASS ? "" : "scripted", plan, List.of(alternatives),
        Duration.ZERO, true));
    return this;
  }

  private PlanResolverTest bp(String id, PlanSections plan, PlanSections... alternatives) {
    return element(ModuleKind.BUILDPACK, id, false, DetectRun.PASS, plan, alternatives);
  }

  private PlanResolverTest optionalBp(String id, PlanSections plan) {
    return element(ModuleKind.BUILDPACK, id, true, DetectRun.PASS, plan);
  }

  private PlanResolverTest ext(String id, PlanSections plan, PlanSections... alternatives) {
    return element(ModuleKind.EXTENSION, id, true, DetectRun.PASS, plan, alternatives);
  }

  private Resolution resolve() {
    return PlanResolver.resolve(group, runs);
  }

  private static List<String> ids(Resolution r) {
    return ((Resolution.Resolved) r).group().stream().map(e -> e.module().id()).toList();
  }

  @Test
  void letsAnExtensionMeetABuildpackRequirement() {
    Resolution r = ext("ext", provides("x")).bp("bp", requires("x")).resolve();

    assertThat(ids(r)).containsExactly("ext", "bp");
    Plan plan = ((Resolution.Resolved) r).plan();
    assertThat(plan.entries()).singleElement().satisfies(e ->
        assertThat(e.providers()).containsExactly(new Plan.Provider("ext", "1", true)));
  }

  @Test
  void recordsEveryProviderOfADependencyBuildpacksAndExtensions() {
    Resolution r = ext("ext1", provides("x")).ext("ext2", provides("x")).bp("bp", both("x")).resolve();

    assertThat(((Resolution.Resolved) r).plan().entries().get(0).providers()).containsExactly(
        new Plan.Provider("ext1", "1", true), new Plan.Provider("ext2", "1", true), new Plan.Provider("bp", "1", false));
  }

  @Test
  void dropsAnExtensionWithAnUnusedProvideAndKeepsOneThatProvidesNothing() {
    Resolution r = ext("unused", provides("y")).ext("silent", PlanSections.EMPTY).bp("bp", PlanSections.EMPTY).resolve();

    assertThat(ids(r)).containsExactly("silent", "bp");
    assertThat(r.notes()).contains("skip: unused@1 provides unused y", "2 of 3 buildpacks participating");
  }

  @Test
  void triesAnExtensionsOrAlternativesBeforeDroppingIt() {
    Resolution r = ext("ext", provides("unused"), provides("x")).bp("bp", requires("x")).resolve();

    assertThat(ids(r)).containsExactly("ext", "bp");
  }

  @Test
  void failsARequiredBuildpackWithAnUnusedProvide() {
    Resolution r = bp("bp", provides("x")).resolve();

    assertThat(r).isInstanceOf(Resolution.Unresolved.class);
    assertThat(r.notes()).contains("fail: bp@1 provides unused x");
  }

  @Test
  void dropsAnOptionalBuildpackWhoseRequirementIsUnmet() {
    Resolution r = optionalBp("opt", requires("nothing-provides-this")).bp("bp", PlanSections.EMPTY).resolve();

    assertThat(ids(r)).containsExactly("bp");
  }

  @Test
  void failsWhenOnlyExtensionsRemainAfterDropping() {
    Resolution r = ext("ext", PlanSections.EMPTY).optionalBp("opt", provides("x")).resolve();

    assertThat(r).isInstanceOf(Resolution.Unresolved.class);
    assertThat(r.notes()).contains("fail: no viable buildpacks in group");
  }

  @Test
  void neverCountsAFailingExtensionAgainstTheGroup() {
    element(ModuleKind.EXTENSION, "fails", true, DetectRun.FAIL, PlanSections.EMPTY);
    element(ModuleKind.EXTENSION, "errors", true, 7, PlanSections.EMPTY);
    Resolution r = bp("bp", PlanSections.EMPTY).resolve();

    assertThat(ids(r)).containsExactly("bp");
  }

  @Test
  void reportsAnErrorOnlyThroughTheUnresolvedFlag() {
    element(ModuleKind.EXTENSION, "errors", true, 7, PlanSections.EMPTY);
    Resolution r = element(ModuleKind.BUILDPACK, "bp", false, DetectRun.FAIL, PlanSections.EMPTY).resolve();

    assertThat(r).isInstanceOfSatisfying(Resolution.Unresolved.class, u -> assertThat(u.errored()).isTrue());
  }

  @Test
  void choosesTheFirstCombinationOfAlternativesThatResolves() {
    Resolution r = bp("a", provides("p"), provides("q")).bp("b", requires("q"), requires("p")).resolve();

    Plan plan = ((Resolution.Resolved) r).plan();
    assertThat(plan.entries()).singleElement().satisfies(e -> assertThat(e.requires()).extracting(Plan.Require::name)
        .containsExactly("p"));
  }
}
