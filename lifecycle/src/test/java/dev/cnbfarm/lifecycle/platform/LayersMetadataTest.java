package dev.cnbfarm.lifecycle.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** analyzed.toml {@code [image]} and {@code [metadata]}: the previous image's label, lossless through the file. */
class LayersMetadataTest {
  static final String LABEL = """
      {"app":[{"sha":"sha256:app"}],"buildpacks":[{"key":"acme/node","layers":{"node":{"build":false,"cache":true,\
      "data":{"nested":{"list":[1,2],"n":null},"version":"20.1"},"launch":true,"sha":"sha256:node"},\
      "toolless":{"build":false,"cache":false,"data":null,"launch":true,"sha":"sha256:t"}},"version":"1.0"}],\
      "config":{"sha":"sha256:config"},"launcher":{"sha":"sha256:launcher"},"runImage":{"image":"reg/run",\
      "mirrors":["mirror/run"],"reference":"reg/run@sha256:abc","topLayer":"sha256:top"},\
      "sbom":{"sha":"sha256:sbom"},"stack":{"runImage":{"image":"reg/run","mirrors":["mirror/run"]}}}""";

  @TempDir Path dir;

  @Test
  void theLabelSurvivesAnalyzedTomlAndAReaderThatRewritesIt() {
    LayersMetadata md = LayersMetadata.fromLabel(LABEL);
    Path file = dir.resolve("analyzed.toml");
    Analyzed.empty().withPreviousImage("reg/app@sha256:prev", md).write(file);
    // a later phase (the detector) rewrites the file through its own changes
    Analyzed.read(file).withBuildImageExtend(true).write(file);

    Analyzed read = Analyzed.read(file);
    assertThat(read.previousImageReference()).contains("reg/app@sha256:prev");
    assertThat(read.layersMetadata()).isEqualTo(md);
    LayersMetadata.Layer node = read.layersMetadata().layer("acme/node", "node").orElseThrow();
    assertThat(node.sha()).isEqualTo("sha256:node");
    assertThat(node.launch()).isTrue();
    assertThat(node.cache()).isTrue();
    assertThat(node.build()).isFalse();
    assertThat(node.metadata()).containsEntry("version", "20.1")
        .containsEntry("nested", Map.of("list", List.of(1L, 2L)));
    assertThat(read.layersMetadata().sbomLayer()).contains("sha256:sbom");
    assertThat(read.layersMetadata().app()).containsExactly("sha256:app");
    assertThat(read.layersMetadata().runImage())
        .isEqualTo(new LayersMetadata.RunImage("sha256:top", "reg/run@sha256:abc", "reg/run", List.of("mirror/run")));
    assertThat(read.layersMetadata().layer("acme/node", "toolless").orElseThrow().metadata()).isEmpty();
  }

  @Test
  void theTomlUsesTheReferenceAnalyzersKeys() {
    String toml = dev.cnbfarm.lifecycle.toml.Toml.format(
        Analyzed.empty().withPreviousImage("reg/app@sha256:prev", LayersMetadata.fromLabel(LABEL)).toToml());
    assertThat(toml).contains("[image]", "reference = \"reg/app@sha256:prev\"", "[metadata.run-image]",
        "top-layer = \"sha256:top\"", "[metadata.sbom]", "[[metadata.buildpacks]]", "key = \"acme/node\"",
        "[metadata.buildpacks.layers.node.metadata]");
  }

  @Test
  void noPreviousImageOrAnUndecodableLabelIsEmptyMetadata() {
    assertThat(LayersMetadata.fromLabel("not json")).isEqualTo(LayersMetadata.EMPTY);
    assertThat(LayersMetadata.fromLabel("[1]").isEmpty()).isTrue();
    Analyzed none = Analyzed.empty().withPreviousImage("", LayersMetadata.EMPTY);
    assertThat(none.previousImageReference()).isEmpty();
    assertThat(none.layersMetadata().isEmpty()).isTrue();
    assertThat(Analyzed.empty().layersMetadata().isEmpty()).isTrue();
  }
}
