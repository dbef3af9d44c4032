package dev.cnbfarm.image.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.ref.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageConfigTest {
  private static final String CONFIG = "{\"architecture\":\"arm64\",\"variant\":\"v8\",\"os\":\"linux\","
      + "\"created\":\"2024-01-01T00:00:00Z\",\"config\":{\"User\":\"1000:1000\",\"Env\":[\"A=1\"],"
      + "\"WorkingDir\":\"/w\",\"Entrypoint\":[\"/cnb/lifecycle/launcher\"],\"Cmd\":[\"web\"],"
      + "\"Labels\":{\"b\":\"2\",\"a\":\"1\"},\"StopSignal\":\"SIGTERM\"},"
      + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Digest.of(new byte[0]) + "\"]},"
      + "\"history\":[{\"created_by\":\"base\",\"empty_layer\":false}],\"x-unknown\":{\"keep\":true}}";

  @Test
  void readsTypedFields() {
    ImageConfig c = ImageConfig.parse(CONFIG.getBytes(StandardCharsets.UTF_8));
    assertThat(c.platform()).isEqualTo(Platform.parse("linux/arm64/v8"));
    assertThat(c.user()).contains("1000:1000");
    assertThat(c.env()).containsExactly("A=1");
    assertThat(c.workingDir()).contains("/w");
    assertThat(c.entrypoint()).containsExactly("/cnb/lifecycle/launcher");
    assertThat(c.cmd()).containsExactly("web");
    assertThat(c.labels()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    assertThat(c.diffIds()).containsExactly(Digest.of(new byte[0]));
    assertThat(c.history()).containsExactly(new ImageConfig.History("", "base", "", false));
  }

  @Test
  void editsKeepUnknownFieldsAndLeaveTheOriginalAlone() {
    ImageConfig original = ImageConfig.parse(CONFIG.getBytes(StandardCharsets.UTF_8));
    Digest layer = Digest.of("layer".getBytes(StandardCharsets.UTF_8));
    ImageConfig edited = original.withEnv(List.of("B=2")).withUser("cnb").withLabels(Map.of("z", "9"))
        .withLayer(layer, new ImageConfig.History("", "RUN x", "", false));

    String json = new String(edited.toJson(), StandardCharsets.UTF_8);
    assertThat(json).contains("\"x-unknown\":{\"keep\":true}", "\"StopSignal\":\"SIGTERM\"", "\"created\"");
    assertThat(edited.env()).containsExactly("B=2");
    assertThat(edited.user()).contains("cnb");
    assertThat(edited.labels()).containsOnlyKeys("z");
    assertThat(edited.diffIds()).hasSize(2).endsWith(layer);
    assertThat(edited.history()).hasSize(2);
    assertThat(original.env()).containsExactly("A=1");
    assertThat(ImageConfig.parse(edited.toJson())).isEqualTo(edited);
  }

  @Test
  void takesTheWholeRuntimeConfigFromAnotherAndReplacesRootfsAndHistory() {
    ImageConfig app = ImageConfig.parse(CONFIG.getBytes(StandardCharsets.UTF_8));
    Digest a = Digest.of("a".getBytes(StandardCharsets.UTF_8));
    Digest b = Digest.of("b".getBytes(StandardCharsets.UTF_8));
    ImageConfig base = ImageConfig.empty(Platform.LINUX_AMD64).withEnv(List.of("BASE=1"));

    ImageConfig merged = base.withRuntimeConfigOf(app).withRootfs(List.of(a, b),
        List.of(new ImageConfig.History("", "a", "", false), new ImageConfig.History("", "ENV", "", true),
            new ImageConfig.History("", "b", "", false)));

    assertThat(merged.platform()).isEqualTo(Platform.LINUX_AMD64);
    assertThat(merged.env()).containsExactly("A=1");
    assertThat(merged.cmd()).containsExactly("web");
    assertThat(new String(merged.toJson(), StandardCharsets.UTF_8)).contains("\"StopSignal\":\"SIGTERM\"");
    assertThat(merged.diffIds()).containsExactly(a, b);
    assertThat(merged.history()).extracting(ImageConfig.History::createdBy).containsExactly("a", "ENV", "b");
    assertThat(merged.created()).isEmpty();
    assertThat(app.created()).contains("2024-01-01T00:00:00Z");
    assertThat(base.env()).containsExactly("BASE=1");
  }

  @Test
  void manifestJsonRoundTripsAndIsCanonical() {
    Manifest m = Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(new byte[] {1}), 1),
        List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.of(new byte[] {2}), 2)));
    assertThat(Manifest.parse(m.toJson())).isEqualTo(m);
    assertThat(new String(m.toJson(), StandardCharsets.UTF_8))
        .startsWith("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\"");
  }
}
