package dev.cnbfarm.lifecycle.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.lifecycle.exec.Execution;
import dev.cnbfarm.lifecycle.testing.RecordingReporter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How processes of several buildpacks merge into metadata.toml (buildpack.md "launch.toml"). */
class BuildMetadataTest {
  private static final Execution OK = new Execution(0, "", Duration.ZERO, "");

  private static BuildpackOutput output(String id, LaunchProcess... processes) {
    return new BuildpackOutput(id, "1.0.0", OK, List.of(), List.of(processes), List.of(), List.of(), List.of(),
        List.of(), List.of());
  }

  private static LaunchProcess process(String type, boolean isDefault, String bp) {
    return new LaunchProcess(type, List.of(type), List.of(), true, isDefault, "", bp);
  }

  @Test
  void laterDefaultWinsWithAWarning() {
    RecordingReporter reporter = new RecordingReporter();

    BuildMetadata m = BuildMetadata.of(List.of(), List.of(), List.of(output("a", process("web", true, "a")),
        output("b", process("worker", true, "b"))), reporter);

    assertThat(m.defaultProcess()).contains("worker");
    assertThat(m.processes()).filteredOn(LaunchProcess::isDefault).extracting(LaunchProcess::type)
        .containsExactly("worker");
    assertThat(reporter.warnLines()).singleElement().asString().contains("'worker'", "'web'");
  }

  @Test
  void redefiningTheDefaultTypeWithoutDefaultClearsIt() {
    RecordingReporter reporter = new RecordingReporter();

    BuildMetadata m = BuildMetadata.of(List.of(), List.of(), List.of(output("a", process("web", true, "a")),
        output("b", process("web", false, "b"))), reporter);

    assertThat(m.defaultProcess()).isEmpty();
    assertThat(m.processes()).singleElement().satisfies(p -> {
      assertThat(p.buildpackId()).isEqualTo("b");
      assertThat(p.isDefault()).isFalse();
    });
    assertThat(m.toToml()).doesNotContainKey("buildpack-default-process-type");
  }
}
