package dev.cnbfarm.lifecycle.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.lifecycle.buildpack.ModuleKind;
import dev.cnbfarm.lifecycle.buildpack.ModuleRef;
import dev.cnbfarm.lifecycle.buildpack.OrderGroup;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuilderLabelsTest {
  /** Shaped like pack's output (builder.Metadata); the values are made up. */
  static final String PACK_METADATA = """
      {"description":"Sample builder","buildpacks":[{"id":"acme/node","version":"2.1.0","homepage":"https://acme.example/node"},
      {"id":"acme/meta","name":"Meta","version":"1.0.0"}],"extensions":[{"id":"acme/curl","version":"0.0.3"}],
      "stack":{"runImage":{"image":"registry.example/run:jammy","mirrors":["mirror.example/run:jammy"]}},
      "lifecycle":{"version":"0.20.1","api":{"buildpack":"0.7","platform":"0.7"},
      "apis":{"buildpack":{"deprecated":[],"supported":["0.7","0.10"]},"platform":{"deprecated":["0.3"],"supported":["0.3","0.13"]}}},
      "createdBy":{"name":"Pack CLI","version":"0.36.0+git-abc.build-1"},
      "images":[{"image":"registry.example/run:jammy","mirrors":["mirror.example/run:jammy"]}]}
      """;

  static final String PACK_LAYERS = """
      {"acme/meta":{"1.0.0":{"api":"0.10","order":[{"group":[{"id":"acme/node","version":"2.1.0"},
      {"id":"acme/tool","version":"0.1.0","optional":true}]}],"layerDiffID":"sha256:aaaa","name":"Meta"}},
      "acme/node":{"2.1.0":{"api":"0.10","stacks":[{"id":"*"}],"layerDiffID":"sha256:bbbb","homepage":"https://acme.example/node"}}}
      """;

  @Test
  void parsesPackMetadata() {
    BuilderMetadata m = BuilderLabels.parseMetadata(PACK_METADATA);
    assertThat(m.description()).isEqualTo("Sample builder");
    assertThat(m.buildpacks()).containsExactly(
        new BuilderMetadata.ModuleInfo("acme/node", "2.1.0", "", "https://acme.example/node"),
        new BuilderMetadata.ModuleInfo("acme/meta", "1.0.0", "Meta", ""));
    assertThat(m.extensions()).extracting(BuilderMetadata.ModuleInfo::id).containsExactly("acme/curl");
    assertThat(m.runImages()).containsExactly(
        new RunMetadata.RunImage("registry.example/run:jammy", List.of("mirror.example/run:jammy")));
    assertThat(m.lifecycle().version()).isEqualTo("0.20.1");
    assertThat(m.lifecycle().platformDeprecated()).containsExactly("0.3");
    assertThat(m.lifecycle().buildpackSupported()).containsExactly("0.7", "0.10");
    assertThat(m.createdBy()).isEqualTo(new BuilderMetadata.CreatedBy("Pack CLI", "0.36.0+git-abc.build-1"));
  }

  @Test
  void readsTheLegacyStackRunImageWhenImagesIsAbsent() {
    BuilderMetadata m = BuilderLabels.parseMetadata("{\"stack\":{\"runImage\":{\"image\":\"r\",\"mirrors\":[\"m\"]}}}");
    assertThat(m.runImages()).containsExactly(new RunMetadata.RunImage("r", List.of("m")));
  }

  @Test
  void parsesPackLayersWithACompositeOrder() {
    List<ModuleLayer> layers = BuilderLabels.parseLayers(PACK_LAYERS, BuilderLabels.BUILDPACK_LAYERS);
    assertThat(layers).extracting(ModuleLayer::id).containsExactly("acme/meta", "acme/node");
    assertThat(layers.get(0).order().get(0).elements()).containsExactly(
        new ModuleRef(ModuleKind.BUILDPACK, "acme/node", "2.1.0", false),
        new ModuleRef(ModuleKind.BUILDPACK, "acme/tool", "0.1.0", true));
    assertThat(layers.get(1).layerDiffId()).isEqualTo("sha256:bbbb");
    assertThat(layers.get(1).homepage()).isEqualTo("https://acme.example/node");
  }

  @Test
  void writesSortedJsonThatReadsBack() {
    ModuleLayer node = new ModuleLayer("acme/node", "2.1.0", "0.10", "sha256:bbbb", "", "https://h", List.of());
    String json = BuilderLabels.layersJson(List.of(node));
    assertThat(json).isEqualTo(
        "{\"acme/node\":{\"2.1.0\":{\"api\":\"0.10\",\"homepage\":\"https://h\",\"layerDiffID\":\"sha256:bbbb\"}}}");
    assertThat(BuilderLabels.parseLayers(json, "x")).containsExactly(node);

    BuilderMetadata m = BuilderLabels.parseMetadata(PACK_METADATA);
    assertThat(BuilderLabels.parseMetadata(BuilderLabels.metadataJson(m))).isEqualTo(m);
    assertThat(BuilderLabels.metadataJson(m)).startsWith("{\"buildpacks\":[").contains("\"createdBy\":{\"name\":\"Pack CLI\"");
  }

  @Test
  void ordersRoundTripAndExtensionsCarryNoOptional() {
    List<OrderGroup> order = List.of(new OrderGroup(List.of(new ModuleRef(ModuleKind.BUILDPACK, "a", "1", true))));
    assertThat(BuilderLabels.orderJson(order, false)).isEqualTo("[{\"group\":[{\"id\":\"a\",\"optional\":true,\"version\":\"1\"}]}]");
    assertThat(BuilderLabels.parseOrder(BuilderLabels.orderJson(order, false), "x", ModuleKind.BUILDPACK)).isEqualTo(order);
    List<OrderGroup> exts = List.of(new OrderGroup(List.of(new ModuleRef(ModuleKind.EXTENSION, "e", "1", true))));
    assertThat(BuilderLabels.orderJson(exts, true)).isEqualTo("[{\"group\":[{\"id\":\"e\",\"version\":\"1\"}]}]");
    assertThat(BuilderLabels.parseOrder("[{\"group\":[{\"id\":\"e\",\"version\":\"1\"}]}]", "x", ModuleKind.EXTENSION))
        .isEqualTo(exts);
  }

  @Test
  void malformedLabelNamesTheLabel() {
    assertThatThrownBy(() -> BuilderLabels.parseMetadata("{not json"))
        .isInstanceOf(LifecycleException.class).hasMessageContaining("label io.buildpacks.builder.metadata is not valid JSON");
    assertThatThrownBy(() -> BuilderLabels.parseLayers("[]", BuilderLabels.EXTENSION_LAYERS))
        .isInstanceOf(LifecycleException.class).hasMessageContaining("label io.buildpacks.extension.layers");
  }
}
