package dev.cnbfarm.image.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishedBuildJsonTest {
  @Test
  void buildpackLayerMetadataRoundTrips() {
    var layers = List.of(new LifecycleMetadata.BuildpackLayers("samples/hello", "0.1.0", Map.of("tools",
        new LifecycleMetadata.LayerMetadata("sha256:" + "1".repeat(64),
            Map.of("version", "1.2", "nested", Map.of("n", 3)), false, true, true))));

    assertThat(PublishedBuildJson.parseBuildpacks(PublishedBuildJson.buildpacks(layers))).isEqualTo(layers);
  }

  @Test
  void aBuildpacksStoreRoundTripsAndAnEventWithoutOneReadsAsNoStore() {
    var layers = List.of(new LifecycleMetadata.BuildpackLayers("samples/hello", "0.1.0", Map.of(),
        Map.of("dep-version", "1.0", "nested", Map.of("n", 3))));
    assertThat(PublishedBuildJson.parseBuildpacks(PublishedBuildJson.buildpacks(layers))).isEqualTo(layers);

    // a built event from before stores were carried
    assertThat(PublishedBuildJson.parseBuildpacks("[{\"key\":\"samples/hello\",\"version\":\"0.1.0\",\"layers\":{}}]"))
        .containsExactly(new LifecycleMetadata.BuildpackLayers("samples/hello", "0.1.0", Map.of()));
  }

  @Test
  void buildMetadataRoundTripsWithWhatTheLabelDrops() {
    var label = new BuildMetadataLabel(List.of(new BuildMetadataLabel.Module("samples/hello", "0.1.0", "", "0.10")),
        List.of(new BuildMetadataLabel.Module("samples/tool", "0.1.0", "https://x", "0.10")),
        List.of(new BuildMetadataLabel.Process("web", List.of("/bin/sh", "-c", "echo hi"), List.of("a"), true,
            "samples/hello")),
        BuildMetadataLabel.Launcher.builtIn("cnbfarm", "0.1.0"),
        List.of(new BuildMetadataLabel.BuildpackLabel("org.example.k", "v")));

    assertThat(PublishedBuildJson.parseBuildMetadata(PublishedBuildJson.buildMetadata(label))).isEqualTo(label);
  }

  @Test
  void refusesMalformedJsonAsInvalidInput() {
    assertThatThrownBy(() -> PublishedBuildJson.parseBuildpacks("[{\"key\":"))
        .isInstanceOf(LifecycleException.class).hasMessageContaining("invalid buildpacks layer metadata");
  }
}
