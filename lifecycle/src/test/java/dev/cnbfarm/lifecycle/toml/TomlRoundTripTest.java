package dev.cnbfarm.lifecycle.toml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.lifecycle.buildpack.ModuleKind;
import dev.cnbfarm.lifecycle.buildpack.ModuleRef;
import dev.cnbfarm.lifecycle.buildpack.OrderGroup;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.platform.Order;
import dev.cnbfarm.lifecycle.platform.Plan;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Toml#write} then {@link Toml#read} gives back the same platform files. */
class TomlRoundTripTest {
  @TempDir Path tmp;

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void roundTripsGroupTomlWithExtensions() {
    Group group = new Group(
        List.of(new GroupEntry("bp/a", "1.0.0", "0.10", "https://example.org/a"), new GroupEntry("bp/b", "2", "0.9", "")),
        List.of(new GroupEntry("ext/a", "0.1.0", "0.11", "")));
    Path file = tmp.resolve("group.toml");

    group.write(file);

    assertThat(Group.read(file)).isEqualTo(group);
  }

  @Test
  void roundTripsPlanTomlWithNestedMetadata() {
    Map<String, Object> metadata = map(
        "version", "1.2 \"quoted\" \\ back\\slash",
        "launch", true,
        "count", 3L,
        "ratio", 0.5,
        "multi\nline", "tab\there\nnewline",
        "dotted.key", "unicode ü ✓",
        "with space", List.of("a", "b"),
        "deps", List.of(map("name", "libpq", "tags", List.of()), map("name", "zlib", "nested", map("k", "v"))),
        "outer", map("inner", map("deepest", map("x", 1L))),
        "empty", map());
    Plan plan = new Plan(List.of(
        new Plan.Entry(List.of(new Plan.Provider("ext/a", "1", true), new Plan.Provider("bp/a", "1", false)),
            List.of(new Plan.Require("libpq", metadata), new Plan.Require("libpq", Map.of()))),
        new Plan.Entry(List.of(new Plan.Provider("bp/b", "2", false)), List.of(new Plan.Require("node", Map.of())))));
    Path file = tmp.resolve("plan.toml");

    plan.write(file);

    assertThat(Plan.read(file)).isEqualTo(plan);
  }

  @Test
  void roundTripsOrderTomlWithOptionalBuildpacksAndExtensions() throws java.io.IOException {
    Order order = new Order(
        List.of(new OrderGroup(List.of(new ModuleRef(ModuleKind.BUILDPACK, "bp/a", "1.0.0", false),
                new ModuleRef(ModuleKind.BUILDPACK, "bp/opt", "", true))),
            new OrderGroup(List.of(new ModuleRef(ModuleKind.BUILDPACK, "bp/b", "2", false)))),
        List.of(new OrderGroup(List.of(new ModuleRef(ModuleKind.EXTENSION, "ext/a", "0.1", true)))));
    Path file = tmp.resolve("order.toml");

    Toml.write(file, order.toToml());

    assertThat(Order.read(file)).isEqualTo(order);
    String text = java.nio.file.Files.readString(file);
    assertThat(text).contains("[[order-extensions.group]]").doesNotContain("extension =");
    assertThat(Toml.read(file, FailureCode.INVALID_INPUT).tables("order-extensions").get(0).tables("group").get(0)
        .has("optional")).isFalse();
  }

  @Test
  void roundTripsAnalyzedTomlKeepingUnknownTables() {
    Analyzed analyzed = Analyzed.parse("""
        api = "0.13"

        [image]
        reference = "registry.example.org/app@sha256:aaaa"

        [metadata]
        [metadata.config]
        sha = "sha256:cccc"

        [[metadata.buildpacks]]
        key = "bp/a"
        version = "1.0.0"
        [metadata.buildpacks.layers.cache]
        sha = "sha256:dddd"
        data = { "quoted key" = "va\\"lue", n = 3, list = [1, 2] }

        [[metadata.buildpacks]]
        key = "bp/b"

        [run-image]
        image = "run:jammy"
        reference = "run@sha256:1111"
        extend = true
        [run-image.target]
        os = "linux"
        arch = "arm64"
        arch-variant = "v8"
        [run-image.target.distro]
        name = "ubuntu"
        version = "22.04"

        [build-image]
        extend = true
        """, "analyzed.toml");
    Path file = tmp.resolve("analyzed.toml");

    analyzed.write(file);

    Analyzed back = Analyzed.read(file);
    assertThat(back.toToml()).isEqualTo(analyzed.toToml());
    assertThat(back.runImageTarget().toString()).isEqualTo("linux/arm64/v8 ubuntu@22.04");
    assertThat(back.runImageExtend()).isTrue();
    assertThat(back.buildImageExtend()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "'", "\"", "\\", "\\\"", "#not a comment", "a = b", "[x]", "\u0001ctl\u007f",
      "line1\r\nline2", "${base_image}", "ünïcødé ✓ 𝄞"})
  void roundTripsAwkwardStringsAsValuesAndKeys(String s) {
    Map<String, Object> tree = map("value", s, "table", map(s.isEmpty() ? "empty" : s, s),
        "array", List.of(map("v", s)), "headers", map(s, map("sub", map(s, s)), "list", List.of(s, s)),
        "arrays", map(s, List.of(map("v", s), map(s, List.of(map("deep", s))))));
    Path file = tmp.resolve("strings.toml");

    Toml.write(file, tree);

    assertThat(Toml.read(file, FailureCode.INVALID_INPUT).asMap()).isEqualTo(tree);
  }

  @Test
  void writesAnEmptyTableSoItSurvives() {
    Map<String, Object> tree = map("a", map(), "b", map("c", map()));
    Path file = tmp.resolve("empty.toml");

    Toml.write(file, tree);

    assertThat(Toml.read(file, FailureCode.INVALID_INPUT).asMap()).isEqualTo(tree);
  }

  @Test
  void roundTripsSpecialFloatsThatAModulesPlanMayContain() {
    TomlTable parsed = Toml.parse("pos = inf\nneg = -inf\nnot = nan\nbig = 1e300\ntiny = 5e-324\n", "plan.toml",
        FailureCode.DETECT_ERROR);
    Path file = tmp.resolve("floats.toml");

    Toml.write(file, parsed.asMap());

    Map<String, Object> back = Toml.read(file, FailureCode.INVALID_INPUT).asMap();
    assertThat(back).containsEntry("pos", Double.POSITIVE_INFINITY).containsEntry("neg", Double.NEGATIVE_INFINITY)
        .containsEntry("big", 1e300).containsEntry("tiny", 5e-324);
    assertThat((Double) back.get("not")).isNaN();
  }
}
