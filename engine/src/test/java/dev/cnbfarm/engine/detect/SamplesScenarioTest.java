package dev.cnbfarm.engine.detect;

import dev.cnbfarm.engine.testing.TestInputs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.detect.DetectOutcome;
import dev.cnbfarm.lifecycle.exec.ProcessBinaryRunner;
import dev.cnbfarm.engine.testing.Fixtures;
import dev.cnbfarm.lifecycle.testing.RecordingReporter;
import dev.cnbfarm.engine.testing.StaticScenario;
import dev.cnbfarm.lifecycle.extend.ExtendKind;
import dev.cnbfarm.lifecycle.toml.Toml;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The static {@code fixtures/samples-extensions} scenario against its golden outputs: a run-image
 * switch, a build-image extension and an unused extension, end to end through the detector phase.
 */
class SamplesScenarioTest {
  @TempDir Path tmp;

  private final RecordingReporter reporter = new RecordingReporter();

  private DetectOutcome run(StaticScenario s, String api) {
    return result(s, api).outcome();
  }

  private DetectResult result(StaticScenario s, String api) {
    TestInputs in = TestInputs.of(s.flags(),
        Map.of("PATH", "/usr/bin:/bin", "CNB_EXPERIMENTAL_MODE", "warn"), ApiVersion.parse(api));
    return new DetectorPhase(new ProcessBinaryRunner(), in.files(), reporter, new DetectSettings(4, Duration.ofSeconds(30)))
        .run(in.detect());
  }

  private static Map<String, Object> toml(Path file) {
    return Toml.read(file, dev.cnbfarm.lifecycle.failure.FailureCode.INVALID_INPUT).asMap();
  }

  @Test
  void matchesTheGoldenOutputsAtPlatform013() {
    StaticScenario s = StaticScenario.copy("samples-extensions", tmp);

    DetectOutcome outcome = run(s, "0.13");

    assertThat(outcome).isInstanceOf(DetectOutcome.Detected.class);
    Path layers = s.root().resolve("layers");
    assertThat(toml(layers.resolve("group.toml"))).isEqualTo(toml(s.expected("group.toml")));
    assertThat(toml(layers.resolve("plan.toml"))).isEqualTo(toml(s.expected("plan.toml")));
    assertThat(toml(layers.resolve("analyzed.toml"))).isEqualTo(toml(s.expected("analyzed.toml")));
    assertThat(StaticScenario.tree(layers.resolve("generated")))
        .isEqualTo(StaticScenario.tree(s.expected("generated")));
    Path detected = tmp.resolve("plan-detected.toml");
    ((DetectOutcome.Detected) outcome).plan().write(detected);
    assertThat(toml(detected)).isEqualTo(toml(s.expected("plan-detected.toml")));
    assertThat(reporter.warnLines()).isEmpty();
    assertThat(reporter.infoLines()).contains("skip: samples/cowsay@0.0.1 provides unused cowsay");
  }

  @Test
  void writesTheSameDockerfilesInTheOldLayoutAtPlatform012() {
    StaticScenario s = StaticScenario.copy("samples-extensions", tmp);

    run(s, "0.12");

    Path generated = s.root().resolve("layers/generated");
    assertThat(StaticScenario.tree(generated)).isEqualTo(Map.of(
        "build/samples_vim/Dockerfile", Fixtures.read(s.expected("generated/samples_vim/build.Dockerfile")),
        "build/samples_vim/extend-config.toml", Fixtures.read(s.expected("generated/samples_vim/extend-config.toml")),
        "run/samples_curl/Dockerfile", Fixtures.read(s.expected("generated/samples_curl/run.Dockerfile"))));
    Map<String, Object> analyzed = toml(s.root().resolve("layers/analyzed.toml"));
    assertThat(analyzed).doesNotContainKey("build-image")
        .containsEntry("run-image", Map.of("image", "registry.example.org/acme/run-curl:jammy"));
    assertThat(reporter.warnLines()).containsExactly("Platform requested experimental feature 'Dockerfiles'");
  }

  @Test
  void returnsTheGroupThePlanAndEveryDockerfileWithItsTextArgsAndContext() {
    StaticScenario s = StaticScenario.copy("samples-extensions", tmp);

    DetectResult r = result(s, "0.13");

    Path layers = s.root().resolve("layers");
    assertThat(r.group()).isPresent();
    assertThat(r.plan()).contains(dev.cnbfarm.lifecycle.platform.Plan.read(layers.resolve("plan.toml")));
    assertThat(r.group()).contains(dev.cnbfarm.lifecycle.platform.Group.read(layers.resolve("group.toml")));
    assertThat(r.generate().orElseThrow().runImage().switchTo()).isPresent();
    assertThat(r.dockerfiles()).extracting(GeneratedDockerfile::extensionId, GeneratedDockerfile::kind)
        .containsExactly(org.assertj.core.api.Assertions.tuple("samples/vim", ExtendKind.BUILD),
            org.assertj.core.api.Assertions.tuple("samples/curl", ExtendKind.RUN));
    GeneratedDockerfile vim = r.dockerfiles().get(0);
    assertThat(vim.text()).isEqualTo(Fixtures.read(s.expected("generated/samples_vim/build.Dockerfile")));
    assertThat(vim.args()).extracting(a -> a.name() + "=" + a.value()).containsExactly("apt_mirror=http://mirror.example.org");
    assertThat(vim.context()).isEqualTo(s.root().resolve("app").toAbsolutePath().normalize());
  }
}
