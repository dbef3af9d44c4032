package dev.cnbfarm.image.store;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerEntry;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Small images for store tests: one generated layer and a config. */
final class TestImages {
  private TestImages() {}

  record Built(LayerBlob layer, Manifest manifest, byte[] config) {}

  static Built build(Path dir, String name, Platform platform) {
    LayerBlob layer = LayerWriter.of().writeEntries(List.of(
        LayerEntry.directory("app"),
        LayerEntry.file("app/hello.txt", ("hello from " + name).getBytes(StandardCharsets.UTF_8), 0644),
        LayerEntry.symlink("app/link", "hello.txt")), dir.resolve(name + ".tar.gz"));
    ImageConfig config = ImageConfig.empty(platform)
        .withLayer(layer.diffId(), new ImageConfig.History("", "cnbfarm test " + name, "", false))
        .withEnv(List.of("PATH=/usr/bin:/bin", "NAME=" + name))
        .withCmd(List.of("/bin/sh"))
        .withLabels(Map.of("io.buildpacks.test", name));
    byte[] configJson = config.toJson();
    Manifest manifest = Manifest.of(
        Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(configJson), configJson.length),
        List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer.digest(), layer.size())));
    return new Built(layer, manifest, configJson);
  }

  /** An OCI index listing {@code manifests} (digest, size, os, arch) in order. */
  static byte[] index(List<Object[]> manifests) {
    StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[");
    for (int i = 0; i < manifests.size(); i++) {
      Object[] m = manifests.get(i);
      json.append(i == 0 ? "" : ",").append("{\"mediaType\":\"").append(MediaTypes.OCI_MANIFEST)
          .append("\",\"digest\":\"").append(m[0]).append("\",\"size\":").append(m[1])
          .append(",\"platform\":{\"os\":\"").append(m[2]).append("\",\"architecture\":\"").append(m[3]).append("\"}}");
    }
    return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }
}
