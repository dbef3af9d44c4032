package dev.cnbfarm.lifecycle.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunImageMetadataTest {
  static final String TOP = "sha256:" + "1".repeat(64);
  static final String LABEL = new LifecycleMetadata(List.of("sha256:" + "a".repeat(64)), "sha256:" + "c".repeat(64),
      "sha256:" + "d".repeat(64), List.of(new LifecycleMetadata.BuildpackLayers("bp/a", "1", Map.of())),
      new LifecycleMetadata.RunImage(TOP, "reg.example/run@sha256:" + "2".repeat(64),
          new RunImageLabel("reg.example/run", List.of("mirror.example/run")))).toJson();

  @Test
  void readsTheRunImageTheExporterWrote() {
    RunImageMetadata run = RunImageMetadata.parse(LABEL);
    assertThat(run).isEqualTo(new RunImageMetadata(TOP, "reg.example/run@sha256:" + "2".repeat(64),
        "reg.example/run", List.of("mirror.example/run")));
    assertThat(run.names("mirror.example/run")).isTrue();
    assertThat(run.names("other.example/run")).isFalse();
  }

  @Test
  void rewritingReplacesOnlyTheRunImageAndTheLegacyStackEntry() {
    RunImageMetadata next = new RunImageMetadata("sha256:" + "3".repeat(64), "new.example/run@sha256:" + "4".repeat(64),
        "new.example/run", List.of());
    String rewritten = next.writeInto(LABEL);
    assertThat(RunImageMetadata.parse(rewritten)).isEqualTo(next);
    assertThat(rewritten).contains("\"app\":[{\"sha\":\"sha256:" + "a".repeat(64) + "\"}]")
        .contains("\"stack\":{\"runImage\":{\"image\":\"new.example/run\",\"mirrors\":[]}}")
        .contains("\"key\":\"bp/a\"");
    assertThat(new RunImageMetadata(TOP, "reg.example/run@sha256:" + "2".repeat(64), "reg.example/run",
        List.of("mirror.example/run")).writeInto(LABEL)).as("same values, same bytes").isEqualTo(LABEL);
  }

  @Test
  void aLabelWithoutTopLayerIsInvalidInput() {
    assertThatThrownBy(() -> RunImageMetadata.parse("{\"runImage\":{}}"))
        .isInstanceOfSatisfying(LifecycleException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.INVALID_INPUT))
        .hasMessageContaining("runImage.topLayer");
  }

  @Test
  void buildMetadataLabelReadsBackWhatItWrites() {
    BuildMetadataLabel label = new BuildMetadataLabel(
        List.of(new BuildMetadataLabel.Module("bp/a", "1.0", "https://bp.example", "")),
        List.of(new BuildMetadataLabel.Module("ext/a", "2.0", "", "0.10")),
        List.of(new BuildMetadataLabel.Process("web", List.of("serve"), List.of("--port", "8080"), true, "bp/a")),
        new BuildMetadataLabel.Launcher("0.1.0", "https://example.org/launcher", "abc"), List.of());
    assertThat(BuildMetadataLabel.parse(label.toJson())).isEqualTo(label);
    assertThat(BuildMetadataLabel.parse("{\"processes\":[{\"type\":\"w\",\"command\":\"serve\"}]}").processes())
        .singleElement().satisfies(p -> assertThat(p.command()).containsExactly("serve"));
  }
}
