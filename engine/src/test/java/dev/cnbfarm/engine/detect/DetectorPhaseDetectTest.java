package dev.cnbfarm.engine.detect;

import static dev.cnbfarm.engine.detect.DetectorPhaseExtensionsTest.order;
import static dev.cnbfarm.engine.testing.Fixtures.exitCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.lifecycle.detect.DetectOutcome;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.platform.Plan;
import dev.cnbfarm.engine.testing.BuildpackFixture;
import dev.cnbfarm.engine.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Buildpack detection through {@link DetectorPhase} with real shell scripts: order resolution,
 * the build plan, exit codes, concurrency and input errors (buildpack.md
 * "Phase #1: Detection"; platform.md "detector"). The detect environment: {@link
 * DetectorPhaseEnvironmentTest}.
 */
class DetectorPhaseDetectTest {
  @TempDir Path tmp;

  private static List<String> ids(List<GroupEntry> entries) {
    return entries.stream().map(GroupEntry::id).toList();
  }

  // ---- order resolution

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void expandsNestedCompositeBuildpacksDepthFirst(String api) {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("meta/outer", "bp/last"), List.of()));
    fx.buildpack("meta/outer").order("""
        [[order]]
        [[order.group]]
        id = "bp/fails"

        [[order]]
        [[order.group]]
        id = "meta/inner"
        """);
    fx.buildpack("meta/inner").order("""
        [[order]]
        [[order.group]]
        id = "bp/x"
        [[order.group]]
        id = "bp/opt"
        optional = true
        """);
    fx.buildpack("bp/fails").fails();
    fx.buildpack("bp/x").passes();
    fx.buildpack("bp/opt").fails();
    fx.buildpack("bp/last").passes();

    DetectOutcome outcome = fx.detect(api);

    assertThat(exitCode(outcome)).isZero();
    assertThat(ids(Group.read(fx.groupPath()).buildpacks())).containsExactly("bp/x", "bp/last");
    assertThat(fx.runs()).filteredOn(l -> l.equals("buildpack:bp/last detect")).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void dropsFailingOptionalBuildpacksAndKeepsGroupOrder(String api) {
    Fixtures fx = Fixtures.in(tmp).order("""
        [[order]]
        [[order.group]]
        id = "bp/a"
        [[order.group]]
        id = "bp/opt-fails"
        optional = true
        [[order.group]]
        id = "bp/opt-passes"
        optional = true
        [[order.group]]
        id = "bp/b"
        """);
    fx.buildpack("bp/a").passes();
    fx.buildpack("bp/opt-fails").fails();
    fx.buildpack("bp/opt-passes").passes();
    fx.buildpack("bp/b").passes();

    fx.detect(api);

    assertThat(ids(Group.read(fx.groupPath()).buildpacks())).containsExactly("bp/a", "bp/opt-passes", "bp/b");
    assertThat(fx.reporter().infoLines()).contains("3 of 4 buildpacks participating");
  }

  @Test
  void movesToTheNextGroupWhenARequiredBuildpackFails() {
    Fixtures fx = Fixtures.in(tmp).order("""
        [[order]]
        [[order.group]]
        id = "bp/a"
        [[order.group]]
        id = "bp/fails"

        [[order]]
        [[order.group]]
        id = "bp/a"
        [[order.group]]
        id = "bp/b"
        """);
    fx.buildpack("bp/a").passes();
    fx.buildpack("bp/fails").fails();
    fx.buildpack("bp/b").passes();

    DetectOutcome outcome = fx.detect("0.13");

    assertThat(ids(Group.read(fx.groupPath()).buildpacks())).containsExactly("bp/a", "bp/b");
    assertThat(fx.runs()).filteredOn("buildpack:bp/a detect"::equals).hasSize(1);
    assertThat(outcome.stats().invocations()).isEqualTo(3);
  }

  // ---- build plan

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void choosesTheFirstOrAlternativeThatResolves(String api) {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a", "bp/b"), List.of()));
    fx.buildpack("bp/a").plan("""
        [[provides]]
        name = "nobody-wants-this"

        [[or]]
        [[or.provides]]
        name = "node"
        """);
    fx.buildpack("bp/b").plan("""
        [[requires]]
        name = "python"

        [[or]]
        [[or.requires]]
        name = "node"
        [or.requires.metadata]
        version = "20"
        """);

    DetectOutcome outcome = fx.detect(api);

    assertThat(exitCode(outcome)).isZero();
    Plan plan = Plan.read(fx.planPath());
    assertThat(plan.entries()).singleElement().satisfies(e -> {
      assertThat(e.providers()).extracting(Plan.Provider::id).containsExactly("bp/a");
      assertThat(e.requires()).containsExactly(new Plan.Require("node", Map.of("version", "20")));
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void failsARequirementThatNoEarlierBuildpackProvides(String api) {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/needs", "bp/gives"), List.of()));
    fx.buildpack("bp/needs").requires("x");
    fx.buildpack("bp/gives").provides("x");

    assertThat(exitCode(fx.detect(api))).isEqualTo(20);
    assertThat(fx.reporter().debugLines()).contains("fail: bp/needs@1.0.0 requires x");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "[[provides]]\nname = \"x\"\n[[requires]]\nname = \"x\"\nversion = \"3.1\"",
      "[[provides]]\nname = \"x\"\n[[requires]]\nname = \"x\"\nversion = \"3.1\"\n[requires.metadata]\nversion = \"3.1\"",
      "[[provides]]\nname = \"x\"\n[[requires]]\nname = \"x\"\n[[or]]\n[[or.provides]]\nname = \"y\"\n"
          + "[[or.requires]]\nname = \"y\"\nversion = \"1\""})
  void aTopLevelVersionInARequirementFailsTheBuildpacksDetection(String plan) {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of()));
    fx.buildpack("bp/a").api("0.9").plan(plan);

    assertThat(exitCode(fx.detect("0.13"))).isEqualTo(21);
    assertThat(fx.reporter().allLines()).anySatisfy(l -> assertThat(l)
        .contains("bp/a@1.0.0 has a \"version\" key which is not supported", "\"metadata.version\""));
  }

  @Test
  void anIdOutsideTheSpecsCharacterSetIsAcceptedWithOneWarning() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("simple_buildpack", "bp/b"), List.of()));
    fx.buildpack("simple_buildpack").providesAndRequires("x");
    fx.buildpack("bp/b").passes();

    assertThat(exitCode(fx.detect("0.13"))).isZero();
    assertThat(fx.reporter().warnLines()).filteredOn(l -> l.contains("simple_buildpack")).singleElement()
        .satisfies(l -> assertThat(l).contains("letters, digits, '.', '/' and '-'"));
    assertThat(Fixtures.read(fx.groupPath())).contains("id = \"simple_buildpack\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"config", "app", "my id"})
  void aReservedOrUnsafeIdStaysRefused(String id) {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of(id), List.of()));
    fx.buildpack(id).passes();

    assertThatThrownBy(() -> fx.detect("0.13")).isInstanceOf(LifecycleException.class)
        .hasMessageContaining("'" + id + "' is not a valid buildpack id");
  }

  // ---- exit codes

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void exits20WhenEveryGroupFailsWithoutErrors(String api) {
    Fixtures fx = Fixtures.in(tmp).order("""
        [[order]]
        [[order.group]]
        id = "bp/a"

        [[order]]
        [[order.group]]
        id = "bp/b"
        """);
    fx.buildpack("bp/a").fails();
    fx.buildpack("bp/b").fails();

    DetectOutcome outcome = fx.detect(api);

    assertThat(((DetectOutcome.NotDetected) outcome).code()).isEqualTo(FailureCode.DETECT_FAILED);
    assertThat(exitCode(outcome)).isEqualTo(20);
    assertThat(fx.groupPath()).doesNotExist();
    assertThat(fx.planPath()).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void exits21WhenEveryGroupFailsAndAnElementErrored(String api) {
    Fixtures fx = Fixtures.in(tmp).order("""
        [[order]]
        [[order.group]]
        id = "bp/errors"

        [[order]]
        [[order.group]]
        id = "bp/b"
        """);
    fx.buildpack("bp/errors").detect("echo 'something broke' >&2\nexit 3");
    fx.buildpack("bp/b").fails();

    DetectOutcome outcome = fx.detect(api);

    assertThat(((DetectOutcome.NotDetected) outcome).code()).isEqualTo(FailureCode.DETECT_ERRORED);
    assertThat(exitCode(outcome)).isEqualTo(21);
    assertThat(fx.reporter().infoLines()).contains("something broke", "======== Error: bp/errors@1.0.0 ========");
  }

  @Test
  void exits21WhenAnOptionalElementErroredInAFailingGroup() {
    Fixtures fx = Fixtures.in(tmp).order("""
        [[order]]
        [[order.group]]
        id = "bp/opt-errors"
        optional = true
        [[order.group]]
        id = "bp/fails"
        """);
    fx.buildpack("bp/opt-errors").exits(1);
    fx.buildpack("bp/fails").fails();

    assertThat(exitCode(fx.detect("0.13"))).isEqualTo(21);
  }

  @Test
  void passesAGroupDespiteAnErroringOptionalBuildpack() {
    Fixtures fx = Fixtures.in(tmp).order("""
        [[order]]
        [[order.group]]
        id = "bp/opt-errors"
        optional = true
        [[order.group]]
        id = "bp/a"
        """);
    fx.buildpack("bp/opt-errors").exits(1);
    fx.buildpack("bp/a").passes();

    assertThat(exitCode(fx.detect("0.13"))).isZero();
    assertThat(ids(Group.read(fx.groupPath()).buildpacks())).containsExactly("bp/a");
  }

  // ---- concurrency

  @Test
  void detectsTheElementsOfAGroupConcurrently() {
    List<String> ids = List.of("bp/p1", "bp/p2", "bp/p3", "bp/p4");
    Fixtures fx = Fixtures.in(tmp).order(order(ids, List.of()));
    for (String id : ids) {
      Path stamps = fx.logFile(id.replace('/', '_') + ".stamps");
      fx.buildpack(id).detect("date +%s%N > '" + stamps + "'\nsleep 0.5\ndate +%s%N >> '" + stamps + "'");
    }

    DetectOutcome outcome = fx.detect("0.13");

    assertThat(exitCode(outcome)).isZero();
    List<Long> starts = new ArrayList<>();
    List<Long> ends = new ArrayList<>();
    for (String id : ids) {
      List<String> lines = Fixtures.read(fx.logFile(id.replace('/', '_') + ".stamps")).lines().toList();
      starts.add(Long.parseLong(lines.get(0)));
      ends.add(Long.parseLong(lines.get(1)));
    }
    assertThat(starts.stream().max(Long::compare).orElseThrow())
        .as("every detect started before any finished").isLessThan(ends.stream().min(Long::compare).orElseThrow());
  }

  // ---- API versions and malformed input

  @ParameterizedTest
  @ValueSource(strings = {"0.6", "0.13", "1.0", "zero"})
  void refusesABuildpackWithAnUnsupportedApiWithExit12(String bpApi) {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of()));
    fx.buildpack("bp/a").api(bpApi);

    assertThatThrownBy(() -> fx.detect("0.13")).isInstanceOfSatisfying(LifecycleException.class, e -> {
      assertThat(e.code()).isEqualTo(FailureCode.INCOMPATIBLE_BUILDPACK_API);
      assertThat(e.code().exitCode()).isEqualTo(12);
      assertThat(e.getMessage()).contains("buildpack.toml").contains(bpApi);
    });
    assertThat(fx.runs()).isEmpty();
  }

  @Test
  void refusesAnExtensionWithAnUnsupportedApiWithExit12BeforeAnyDetect() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of("ext/a")));
    fx.buildpack("bp/a").passes();
    fx.extension("ext/a").api("0.6");

    assertThatThrownBy(() -> fx.detect("0.13")).isInstanceOfSatisfying(LifecycleException.class, e -> {
      assertThat(e.code().exitCode()).isEqualTo(12);
      assertThat(e.getMessage()).contains("extension.toml");
    });
    assertThat(fx.runs()).isEmpty();
  }

  @Test
  void refusesACompositeBuildpackThatContainsItself() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("meta/loop"), List.of()));
    fx.buildpack("meta/loop").order("[[order]]\n[[order.group]]\nid = \"meta/loop\"\nversion = \"1.0.0\"");

    assertThatThrownBy(() -> fx.detect("0.13")).isInstanceOfSatisfying(LifecycleException.class, e -> {
      assertThat(e.code()).isEqualTo(FailureCode.INVALID_INPUT);
      assertThat(e.getMessage()).contains("meta/loop@1.0.0").contains("cycle");
    });
  }

  @Test
  void namesABuildpackMissingFromTheBuildpacksDir() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/ghost"), List.of()));

    assertThatThrownBy(() -> fx.detect("0.13")).isInstanceOf(LifecycleException.class)
        .hasMessageContaining("buildpack bp/ghost");
  }

  @Test
  void exportsTheArchVariantAndOmitsUnknownDistroVariables() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of())).analyzed("""
        [run-image]
        image = "run"
        [run-image.target]
        os = "linux"
        arch = "arm"
        arch-variant = "v7"
        """);
    fx.buildpack("bp/a").detect("env > '" + fx.logFile("bp.env") + "'");

    fx.detect("0.13");

    Map<String, String> env = Fixtures.envDump(fx.logFile("bp.env"));
    assertThat(env).contains(Map.entry("CNB_TARGET_OS", "linux"), Map.entry("CNB_TARGET_ARCH", "arm"),
        Map.entry("CNB_TARGET_ARCH_VARIANT", "v7"));
    assertThat(env).doesNotContainKeys("CNB_TARGET_DISTRO_NAME", "CNB_TARGET_DISTRO_VERSION");
  }

  @Test
  void namesTheFileAndLineOfAMalformedOrderToml() {
    Fixtures fx = Fixtures.in(tmp).order("[[order]]\n[[order.group]]\nid = \"bp/a\"\nversion = \n");

    assertThatThrownBy(() -> fx.detect("0.13")).isInstanceOfSatisfying(LifecycleException.class, e -> {
      assertThat(e.code()).isEqualTo(FailureCode.INVALID_INPUT);
      assertThat(e.getMessage()).contains(fx.orderPath().toString()).contains("line 4");
    });
  }

  @Test
  void namesTheFileAndKeyOfAnOrderTomlMissingAnId() {
    Fixtures fx = Fixtures.in(tmp).order("[[order]]\n[[order.group]]\nversion = \"1\"\n");

    assertThatThrownBy(() -> fx.detect("0.13")).isInstanceOf(LifecycleException.class)
        .hasMessageContaining(fx.orderPath().toString()).hasMessageContaining("order[0].group[0].id");
  }

  @Test
  void namesTheFileAndLineOfAMalformedBuildpackToml() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of()));
    BuildpackFixture bp = fx.buildpack("bp/a").rawDescriptor("api = \"0.10\"\n[buildpack\nid = \"bp/a\"\n");

    assertThatThrownBy(() -> fx.detect("0.13")).isInstanceOfSatisfying(LifecycleException.class, e -> {
      assertThat(e.code()).isEqualTo(FailureCode.INVALID_INPUT);
      assertThat(e.getMessage()).contains(bp.dir().resolve("buildpack.toml").toString()).contains("line 2");
    });
  }

  @Test
  void errorsABuildpackWhosePlanOutputIsMalformedNamingFileAndLine() {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of()));
    fx.buildpack("bp/a").plan("[[provides]]\nname = \"x\"\n[[requires]]\nname = \n");

    DetectOutcome outcome = fx.detect("0.13");

    assertThat(exitCode(outcome)).isEqualTo(21);
    assertThat(fx.reporter().infoLines()).anySatisfy(l -> assertThat(l).contains("plan.toml")
        .contains("bp_a").contains("malformed TOML at line 4"));
  }

  static String dump(Fixtures fx, String name) {
    return "env > '" + fx.logFile(name + ".env") + "'\npwd > '" + fx.logFile(name + ".pwd") + "'\n"
        + "echo \"$1 $2\" > '" + fx.logFile(name + ".args") + "'";
  }
}
