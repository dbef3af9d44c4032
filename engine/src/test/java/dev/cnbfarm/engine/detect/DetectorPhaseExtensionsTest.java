package dev.cnbfarm.engine.detect;

import static dev.cnbfarm.engine.testing.Fixtures.exitCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.lifecycle.detect.DetectOutcome;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.engine.testing.Fixtures;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Detection with image extensions, end to end through {@link DetectorPhase} with real shell
 * scripts (lifecycle-reference.md §2.3 D1–D8; extensions.md §1.5–1.9, §2).
 */
class DetectorPhaseExtensionsTest {
  private static final String ONE_BP_TWO_EXT_GROUPS = """
      [[order]]
      [[order.group]]
      id = "bp/a"

      [[order]]
      [[order.group]]
      id = "bp/b"

      [[order-extensions]]
      [[order-extensions.group]]
      id = "ext/a"

      [[order-extensions]]
      [[order-extensions.group]]
      id = "ext/b"
      """;

  @TempDir Path tmp;

  private static List<String> triedGroups(Fixtures fx) {
    return fx.reporter().debugLines().stream().filter(l -> l.startsWith("======== Trying group: "))
        .map(l -> l.replace("======== Trying group: ", "").replace(" ========", "")).toList();
  }

  // ---- D1

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void prependsTheExtensionOrderToEveryBuildpackGroupTryingEachExtensionGroupThenNone(String api) {
    Fixtures fx = Fixtures.in(tmp).order(ONE_BP_TWO_EXT_GROUPS);
    fx.buildpack("bp/a").fails();
    fx.buildpack("bp/b").requires("x");
    fx.extension("ext/a").passes();
    fx.extension("ext/b").provides("x");

    DetectOutcome outcome = fx.detect(api);

    assertThat(exitCode(outcome)).isZero();
    assertThat(triedGroups(fx)).containsExactly(
        "[ext/a@1.0.0, bp/a@1.0.0]", "[ext/b@1.0.0, bp/a@1.0.0]", "[bp/a@1.0.0]",
        "[ext/a@1.0.0, bp/b@1.0.0]", "[ext/b@1.0.0, bp/b@1.0.0]");
    Group group = Group.read(fx.groupPath());
    assertThat(group.buildpacks()).extracting(GroupEntry::id).containsExactly("bp/b");
    assertThat(group.extensions()).extracting(GroupEntry::id).containsExactly("ext/b");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void runsEachDetectAtMostOnceAcrossAllTrials(String api) {
    Fixtures fx = Fixtures.in(tmp).order(ONE_BP_TWO_EXT_GROUPS);
    fx.buildpack("bp/a").fails();
    fx.buildpack("bp/b").requires("x");
    fx.extension("ext/a").passes();
    fx.extension("ext/b").provides("x").generate("exit 0");

    DetectOutcome outcome = fx.detect(api);

    assertThat(fx.runs()).filteredOn(l -> l.endsWith(" detect")).containsExactlyInAnyOrder(
        "buildpack:bp/a detect", "buildpack:bp/b detect", "extension:ext/a detect", "extension:ext/b detect");
    assertThat(outcome.stats().invocations()).isEqualTo(4);
    assertThat(outcome.stats().groupsTried()).isEqualTo(5);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void triesTheBuildpacksWithoutExtensionsAfterEveryExtensionGroup(String api) {
    Fixtures fx = Fixtures.in(tmp).order("""
        [[order]]
        [[order.group]]
        id = "bp/a"

        [[order-extensions]]
        [[order-extensions.group]]
        id = "ext/a"

        [[order-extensions]]
        [[order-extensions.group]]
        id = "ext/b"
        """);
    fx.buildpack("bp/a").fails();
    fx.extension("ext/a").passes();
    fx.extension("ext/b").passes();

    DetectOutcome outcome = fx.detect(api);

    assertThat(exitCode(outcome)).isEqualTo(20);
    assertThat(triedGroups(fx)).containsExactly(
        "[ext/a@1.0.0, bp/a@1.0.0]", "[ext/b@1.0.0, bp/a@1.0.0]", "[bp/a@1.0.0]");
    assertThat(fx.groupPath()).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void keepsTheFirstExtensionGroupWhenItsExtensionsAllPass(String api) {
    Fixtures fx = Fixtures.in(tmp).order(ONE_BP_TWO_EXT_GROUPS);
    fx.buildpack("bp/a").passes();
    fx.buildpack("bp/b").passes();
    fx.extension("ext/a").passes();
    fx.extension("ext/b").passes();

    fx.detect(api);

    Group group = Group.read(fx.groupPath());
    assertThat(group.buildpacks()).extracting(GroupEntry::id).containsExactly("bp/a");
    assertThat(group.extensions()).extracting(GroupEntry::id).containsExactly("ext/a");
    assertThat(fx.runs()).doesNotContain("extension:ext/b detect", "buildpack:bp/b detect");
  }

  // ---- D2

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void passesAnExtensionWithoutBinDetectUsingItsStaticPlan(String api) {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of("ext/static")));
    fx.buildpack("bp/a").requires("x");
    fx.extension("ext/static").noDetect().staticPlan("[[provides]]\nname = \"x\"\n");

    DetectOutcome outcome = fx.detect(api);

    assertThat(exitCode(outcome)).isZero();
    assertThat(Group.read(fx.groupPath()).extensions()).extracting(GroupEntry::id).containsExactly("ext/static");
    assertThat(fx.runs()).containsExactly("buildpack:bp/a detect");
    DetectOutcome.Detected d = (DetectOutcome.Detected) outcome;
    assertThat(d.plan().entries()).singleElement().satisfies(e -> {
      assertThat(e.providers()).extracting(p -> p.id() + ":" + p.extension()).containsExactly("ext/static:true");
      assertThat(e.requires()).extracting(r -> r.name()).containsExactly("x");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void passesAnExtensionWithoutBinDetectOrStaticPlan(String api) {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of("ext/bare")));
    fx.buildpack("bp/a").passes();
    fx.extension("ext/bare").noDetect();

    assertThat(exitCode(fx.detect(api))).isZero();
    assertThat(Group.read(fx.groupPath()).extensions()).extracting(GroupEntry::id).containsExactly("ext/bare");
  }

  // ---- D3

  @ParameterizedTest
  @ValueSource(strings = {
      "[[provides]]\nname = \"x\"\n[[requires]]\nname = \"x\"",
      "[[provides]]\nname = \"x\"\n[[or]]\n[[or.provides]]\nname = \"x\"\n[[or.requires]]\nname = \"x\""})
  void dropsAnExtensionThatOutputsRequiresAndNamesIt(String extPlan) {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of("ext/greedy")));
    fx.buildpack("bp/a").passes();
    fx.extension("ext/greedy").plan(extPlan);

    DetectOutcome outcome = fx.detect("0.13");

    assertThat(exitCode(outcome)).isZero();
    assertThat(Group.read(fx.groupPath()).extensions()).isEmpty();
    assertThat(fx.reporter().allLines()).anySatisfy(l -> assertThat(l)
        .contains("extension ext/greedy@1.0.0 outputs \"requires\" which is not allowed"));
    assertThat(fx.reporter().allLines()).anySatisfy(l -> assertThat(l).startsWith("err:  ext/greedy@1.0.0"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void countsAnErroringExtensionWhenNoGroupPasses(String api) {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of("ext/greedy")));
    fx.buildpack("bp/a").fails();
    fx.extension("ext/greedy").plan("[[requires]]\nname = \"x\"");

    assertThat(exitCode(fx.detect(api))).isEqualTo(21);
  }

  // ---- D4

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void failsAGroupInWhichOnlyExtensionsPass(String api) {
    Fixtures fx = Fixtures.in(tmp).order("""
        [[order]]
        [[order.group]]
        id = "bp/a"
        optional = true

        [[order-extensions]]
        [[order-extensions.group]]
        id = "ext/a"
        """);
    fx.buildpack("bp/a").fails();
    fx.extension("ext/a").passes();

    DetectOutcome outcome = fx.detect(api);

    assertThat(outcome).isInstanceOf(DetectOutcome.NotDetected.class);
    assertThat(((DetectOutcome.NotDetected) outcome).code()).isEqualTo(FailureCode.DETECT_FAILED);
    assertThat(exitCode(outcome)).isEqualTo(20);
    assertThat(fx.reporter().debugLines()).contains("fail: no viable buildpacks in group");
  }

  // ---- D5

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void skipsAnExtensionWhoseProvideNobodyRequires(String api) {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of("ext/unused")));
    fx.buildpack("bp/a").passes();
    fx.extension("ext/unused").provides("y").generate("exit 0");

    DetectOutcome outcome = fx.detect(api);

    assertThat(exitCode(outcome)).isZero();
    Group group = Group.read(fx.groupPath());
    assertThat(group.buildpacks()).extracting(GroupEntry::id).containsExactly("bp/a");
    assertThat(group.extensions()).isEmpty();
    assertThat(fx.reporter().infoLines()).contains("skip: ext/unused@1.0.0 provides unused y");
    assertThat(fx.runs()).doesNotContain("extension:ext/unused generate");
  }

  // ---- D6

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void detectsABuildpackAndAnExtensionSharingAnId(String api) {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("same/id"), List.of("same/id")));
    fx.buildpack("same/id").requires("x");
    fx.extension("same/id").provides("x");

    DetectOutcome outcome = fx.detect(api);

    assertThat(exitCode(outcome)).isZero();
    assertThat(fx.runs()).contains("buildpack:same/id detect", "extension:same/id detect");
    Group group = Group.read(fx.groupPath());
    assertThat(group.buildpacks()).extracting(GroupEntry::id).containsExactly("same/id");
    assertThat(group.extensions()).extracting(GroupEntry::id).containsExactly("same/id");
  }

  // ---- D7

  private static final String AMD64_RUN_IMAGE = """
      [run-image]
      image = "run:jammy"
      reference = "run@sha256:1111"
      [run-image.target]
      os = "linux"
      arch = "amd64"
      [run-image.target.distro]
      name = "ubuntu"
      version = "22.04"
      """;

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void skipsWithoutRunningAnOptionalElementOrExtensionWhoseTargetsDoNotMatch(String api) {
    Fixtures fx = Fixtures.in(tmp).analyzed(AMD64_RUN_IMAGE).order("""
        [[order]]
        [[order.group]]
        id = "bp/arm"
        optional = true
        [[order.group]]
        id = "bp/a"

        [[order-extensions]]
        [[order-extensions.group]]
        id = "ext/arm"
        [[order-extensions.group]]
        id = "ext/amd"
        """);
    fx.buildpack("bp/arm").targets("linux", "arm64");
    fx.buildpack("bp/a").targets("linux", "amd64");
    fx.extension("ext/arm").targets("linux", "arm64");
    fx.extension("ext/amd").targets("linux", "amd64");

    DetectOutcome outcome = fx.detect(api);

    assertThat(exitCode(outcome)).isZero();
    assertThat(fx.runs()).containsExactlyInAnyOrder("buildpack:bp/a detect", "extension:ext/amd detect");
    Group group = Group.read(fx.groupPath());
    assertThat(group.buildpacks()).extracting(GroupEntry::id).containsExactly("bp/a");
    assertThat(group.extensions()).extracting(GroupEntry::id).containsExactly("ext/amd");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void errorsARequiredBuildpackWhoseTargetsDoNotMatch(String api) {
    Fixtures fx = Fixtures.in(tmp).analyzed(AMD64_RUN_IMAGE).order(order(List.of("bp/arm"), List.of()));
    fx.buildpack("bp/arm").targets("linux", "arm64");

    DetectOutcome outcome = fx.detect(api);

    assertThat(exitCode(outcome)).isEqualTo(21);
    assertThat(fx.runs()).isEmpty();
    assertThat(fx.reporter().infoLines()).anySatisfy(l -> assertThat(l).contains("bp/arm@1.0.0")
        .contains("matches the run image"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void exportsTheRunImageTargetToDetectFromBuildpackApi010(String api) {
    Fixtures fx = Fixtures.in(tmp).analyzed(AMD64_RUN_IMAGE)
        .order(order(List.of("bp/new", "bp/old"), List.of("ext/new")));
    fx.buildpack("bp/new").api("0.10").detect("env > '" + fx.logFile("bp-new.env") + "'");
    fx.buildpack("bp/old").api("0.9").detect("env > '" + fx.logFile("bp-old.env") + "'");
    fx.extension("ext/new").api("0.10").detect("env > '" + fx.logFile("ext-new.env") + "'");

    fx.detect(api);

    for (String dump : List.of("bp-new.env", "ext-new.env")) {
      assertThat(Fixtures.envDump(fx.logFile(dump))).contains(Map.entry("CNB_TARGET_OS", "linux"),
          Map.entry("CNB_TARGET_ARCH", "amd64"), Map.entry("CNB_TARGET_DISTRO_NAME", "ubuntu"),
          Map.entry("CNB_TARGET_DISTRO_VERSION", "22.04"));
    }
    assertThat(Fixtures.envDump(fx.logFile("bp-old.env")).keySet()).noneMatch(k -> k.startsWith("CNB_TARGET_"));
  }

  // ---- D8

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void writesGroupExtensionsWithoutOptionalOrExtensionKeys(String api) {
    Fixtures fx = Fixtures.in(tmp).order("""
        [[order]]
        [[order.group]]
        id = "bp/a"
        version = "1.0.0"
        [[order.group]]
        id = "bp/opt"
        optional = true

        [[order-extensions]]
        [[order-extensions.group]]
        id = "ext/a"
        """);
    fx.buildpack("bp/a").requires("x");
    fx.buildpack("bp/opt").passes();
    fx.extension("ext/a").provides("x").api("0.11");

    fx.detect(api);

    TomlTable group = Fixtures.toml(fx.groupPath());
    assertThat(group.tables("group")).hasSize(2);
    assertThat(group.tables("group-extensions")).singleElement().satisfies(t -> assertThat(t.asMap())
        .containsExactly(Map.entry("id", "ext/a"), Map.entry("version", "1.0.0"), Map.entry("api", "0.11"),
            Map.entry("homepage", "https://example.org/ext/a")));
    for (TomlTable t : group.tables("group")) {
      assertThat(t.asMap()).containsOnlyKeys("id", "version", "api", "homepage");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void marksExtensionProvidersInThePlanThenRemovesTheEntriesTheyMet(String api) {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a", "bp/b"), List.of("ext/a")));
    fx.buildpack("bp/a").plan("""
        [[requires]]
        name = "x"
        [requires.metadata]
        version = "1.2"
        """);
    fx.buildpack("bp/b").providesAndRequires("y");
    fx.extension("ext/a").provides("x")
        .generate("cp '" + fx.planPath() + "' '" + fx.logFile("plan-before-generate.toml") + "'");

    fx.detect(api);

    TomlTable before = Fixtures.toml(fx.logFile("plan-before-generate.toml"));
    assertThat(before.tables("entries")).hasSize(2);
    TomlTable x = before.tables("entries").get(0);
    assertThat(x.tables("providers")).singleElement().satisfies(p -> assertThat(p.asMap())
        .containsExactly(Map.entry("id", "ext/a"), Map.entry("version", "1.0.0"), Map.entry("extension", true)));
    assertThat(x.tables("requires").get(0).rawTable("metadata")).containsEntry("version", "1.2");
    TomlTable after = Fixtures.toml(fx.planPath());
    assertThat(after.tables("entries")).singleElement().satisfies(e -> {
      assertThat(e.tables("requires").get(0).requireString("name")).isEqualTo("y");
      assertThat(e.tables("providers").get(0).asMap()).doesNotContainKey("extension");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void removesAnEntryMetByAnExtensionEvenWhenABuildpackAlsoProvidesIt(String api) {
    Fixtures fx = Fixtures.in(tmp).order(order(List.of("bp/a"), List.of("ext/a")));
    fx.buildpack("bp/a").providesAndRequires("x");
    fx.extension("ext/a").provides("x").generate("exit 0");

    DetectOutcome outcome = fx.detect(api);

    assertThat(((DetectOutcome.Detected) outcome).plan().entries()).singleElement()
        .satisfies(e -> assertThat(e.providers()).extracting(p -> p.id() + ":" + p.extension())
            .containsExactly("ext/a:true", "bp/a:false"));
    assertThat(Fixtures.toml(fx.planPath()).tables("entries")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void leavesPlanAndAnalyzedUntouchedByGenerateWhenTheGroupHasNoExtensions(String api) {
    Fixtures fx = Fixtures.in(tmp).analyzed(AMD64_RUN_IMAGE).order(order(List.of("bp/a"), List.of("ext/a")));
    fx.buildpack("bp/a").providesAndRequires("y");
    fx.extension("ext/a").fails();

    fx.detect(api);

    assertThat(Fixtures.read(fx.analyzedPath())).isEqualTo(AMD64_RUN_IMAGE);
    assertThat(fx.generated()).doesNotExist();
    assertThat(Fixtures.toml(fx.planPath()).tables("entries")).hasSize(1);
  }

  // ---- helpers

  /** An order.toml with one buildpack group and (if any) one extension group. */
  static String order(List<String> buildpacks, List<String> extensions) {
    StringBuilder b = new StringBuilder("[[order]]\n");
    buildpacks.forEach(id -> b.append("[[order.group]]\nid = \"").append(id).append("\"\n"));
    if (!extensions.isEmpty()) {
      b.append("\n[[order-extensions]]\n");
      extensions.forEach(id -> b.append("[[order-extensions.group]]\nid = \"").append(id).append("\"\n"));
    }
    return b.toString();
  }
}
