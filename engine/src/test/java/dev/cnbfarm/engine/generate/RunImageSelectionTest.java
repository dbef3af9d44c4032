package dev.cnbfarm.engine.generate;

import static dev.cnbfarm.engine.testing.Fixtures.exitCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.engine.testing.Fixtures;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the detector picks the run image from the extensions' run.Dockerfiles, end to end with real
 * {@code /bin/generate} scripts: the truth table of lifecycle-reference.md §1.4(c) (extensions.md
 * §5.3; decisions.md #4, #5, #11, #13).
 */
class RunImageSelectionTest {
  private static final String ORIGINAL = "some-existing-run-image";
  private static final String EXTEND_A = "ARG base_image\nFROM ${base_image}\nRUN echo a";
  private static final String EXTEND_B = "ARG base_image\nFROM ${base_image}\nRUN echo b";
  private static final String ANALYZED = """
      [image]
      reference = "registry.example.org/app@sha256:aaaa"

      [run-image]
      image = "some-existing-run-image"
      reference = "some-existing-run-image@sha256:1111"
      [run-image.target]
      os = "linux"
      arch = "amd64"
      """;

  @TempDir Path tmp;

  /** ext/a then ext/b (both always pass) in front of one passing buildpack. */
  private Fixtures twoExtensions(String runA, String runB) {
    Fixtures fx = Fixtures.in(tmp).analyzed(ANALYZED).runToml("""
        [[images]]
        image = "some-existing-run-image"

        [[images]]
        image = "listed-run-image"
        mirrors = ["mirror.example.org/listed-run-image"]
        """).order("""
        [[order]]
        [[order.group]]
        id = "bp/a"

        [[order-extensions]]
        [[order-extensions.group]]
        id = "ext/a"
        [[order-extensions.group]]
        id = "ext/b"
        """);
    fx.buildpack("bp/a").passes();
    if (runA == null) {
      fx.extension("ext/a").generate("exit 0");
    } else {
      fx.extension("ext/a").generates("run.Dockerfile", runA);
    }
    if (runB == null) {
      fx.extension("ext/b").generate("exit 0");
    } else {
      fx.extension("ext/b").generates("run.Dockerfile", runB);
    }
    return fx;
  }

  private static Map<String, Object> runImage(Fixtures fx) {
    @SuppressWarnings("unchecked")
    Map<String, Object> run = (Map<String, Object>) Analyzed.read(fx.analyzedPath()).toToml().get("run-image");
    return run;
  }

  private static Path runDockerfile(Fixtures fx, String api, String escapedId, boolean ignored) {
    return api.equals("0.13")
        ? fx.generated().resolve(escapedId).resolve(ignored ? "run.Dockerfile.ignore" : "run.Dockerfile")
        : fx.generated().resolve("run").resolve(escapedId).resolve(ignored ? "Dockerfile.ignore" : "Dockerfile");
  }

  // ---- the six cases of the reference's generator_test.go

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void keepsTheOriginalImageAndExtendsItWhenEveryRunDockerfileExtends(String api) {
    Fixtures fx = twoExtensions(EXTEND_A, EXTEND_B);

    assertThat(exitCode(fx.detect(api))).isZero();

    Map<String, Object> run = runImage(fx);
    assertThat(run).containsEntry("image", ORIGINAL).containsEntry("reference", ORIGINAL + "@sha256:1111")
        .containsEntry("extend", true).containsKey("target");
    assertThat(runDockerfile(fx, api, "ext_a", false)).exists();
    assertThat(runDockerfile(fx, api, "ext_b", false)).exists();
    assertThat(fx.reporter().warnLines()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void switchesToTheFirstImageAndExtendsItWhenALaterDockerfileExtends(String api) {
    Fixtures fx = twoExtensions("FROM listed-run-image", EXTEND_B);

    fx.detect(api);

    assertThat(runImage(fx)).containsExactly(Map.entry("image", "listed-run-image"), Map.entry("extend", true));
    assertThat(runDockerfile(fx, api, "ext_a", false)).hasContent("FROM listed-run-image");
    assertThat(runDockerfile(fx, api, "ext_b", false)).exists();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void letsTheLastSwitchWinAndIgnoresEarlierRunDockerfiles(String api) {
    Fixtures fx = twoExtensions("FROM image-a\nRUN echo a", "FROM listed-run-image");

    fx.detect(api);

    assertThat(runImage(fx)).containsExactly(Map.entry("image", "listed-run-image"));
    assertThat(runDockerfile(fx, api, "ext_a", true)).hasContent("FROM image-a\nRUN echo a");
    assertThat(runDockerfile(fx, api, "ext_a", false)).doesNotExist();
    assertThat(runDockerfile(fx, api, "ext_b", false)).exists();
    assertThat(runDockerfile(fx, api, "ext_b", true)).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void switchesAndExtendsWhenTheSwitchingDockerfileHasInstructions(String api) {
    Fixtures fx = twoExtensions("FROM listed-run-image\nRUN echo a", null);

    fx.detect(api);

    assertThat(runImage(fx)).containsExactly(Map.entry("image", "listed-run-image"), Map.entry("extend", true));
  }

  @ParameterizedTest
  @ValueSource(strings = {"listed-run-image", "mirror.example.org/listed-run-image",
      "index.docker.io/listed-run-image", "docker.io/library/listed-run-image:latest",
      "mirror.example.org/listed-run-image:latest",
      "listed-run-image@sha256:abcd", ORIGINAL + ":other-tag-is-unlisted"})
  void warnsOnlyWhenTheNewImageIsAbsentFromRunTomlComparingNormalisedNames(String image) {
    Fixtures fx = twoExtensions(null, "FROM " + image);

    fx.detect("0.13");

    assertThat(runImage(fx)).containsExactly(Map.entry("image", image));
    if (image.endsWith("unlisted")) {
      assertThat(fx.reporter().warnLines())
          .containsExactly("new runtime base image '" + image + "' not found in run metadata");
    } else {
      assertThat(fx.reporter().warnLines()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void switchesToAnImageAbsentFromRunTomlWithAWarning(String api) {
    Fixtures fx = twoExtensions("FROM unlisted-run-image", null);

    assertThat(exitCode(fx.detect(api))).isZero();

    assertThat(runImage(fx)).containsExactly(Map.entry("image", "unlisted-run-image"));
    assertThat(fx.reporter().warnLines())
        .containsExactly("new runtime base image 'unlisted-run-image' not found in run metadata");
  }

  // ---- beyond the table

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void doesNotTreatASwitchToTheCurrentImageAsASwitch(String api) {
    Fixtures fx = twoExtensions("FROM " + ORIGINAL, null);
    Map<String, Object> before = runImage(fx);

    fx.detect(api);

    assertThat(runImage(fx)).isEqualTo(before);
    assertThat(fx.reporter().warnLines()).isEmpty();
    assertThat(fx.reporter().infoLines()).noneMatch(l -> l.startsWith("Run image switched"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void treatsDollarBaseImageWithoutBracesAsAnExtendNotASwitch(String api) {
    Fixtures fx = twoExtensions("ARG base_image\nFROM $base_image\nRUN echo a", null);

    fx.detect(api);

    assertThat(runImage(fx)).containsEntry("image", ORIGINAL).containsEntry("reference", ORIGINAL + "@sha256:1111")
        .containsEntry("extend", true).containsKey("target");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void clearsReferenceAndTargetOnASwitchButKeepsOtherTables(String api) {
    Fixtures fx = twoExtensions(null, "FROM listed-run-image");

    fx.detect(api);

    Map<String, Object> analyzed = Analyzed.read(fx.analyzedPath()).toToml();
    assertThat(runImage(fx)).doesNotContainKeys("reference", "target", "extend");
    assertThat(analyzed).containsEntry("image", Map.of("reference", "registry.example.org/app@sha256:aaaa"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.12", "0.13"})
  void ignoresBuildOnlyExtensionsWhenChoosingTheRunImage(String api) {
    Fixtures fx = twoExtensions(null, null);
    fx.extension("ext/a").generates("build.Dockerfile", "ARG base_image\nFROM ${base_image}\nRUN true");

    fx.detect(api);

    assertThat(runImage(fx)).containsEntry("image", ORIGINAL).doesNotContainKey("extend");
  }

  @Test
  void replacesTheReferenceOnASwitchAtPlatform011() {
    Fixtures fx = twoExtensions(null, "FROM listed-run-image").flag("run", null);

    fx.detect("0.11");

    assertThat(runImage(fx)).containsExactly(Map.entry("reference", "listed-run-image"));
  }

  @Test
  void refusesRunImageExtensionBeforePlatform012() {
    Fixtures fx = twoExtensions(EXTEND_A, null).flag("run", null);

    assertThatThrownBy(() -> fx.detect("0.11")).isInstanceOfSatisfying(LifecycleException.class,
        e -> assertThat(e.code()).isEqualTo(FailureCode.GENERATE_ERROR));
  }
}
