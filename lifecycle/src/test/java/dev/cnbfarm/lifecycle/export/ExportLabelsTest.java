package dev.cnbfarm.lifecycle.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.lifecycle.build.Layer;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportLabelsTest {
  @TempDir Path dir;

  static final RunMetadata RUN = new RunMetadata(List.of(
      new RunMetadata.RunImage("reg.example/run", List.of("mirror.example/run")),
      new RunMetadata.RunImage("reg.example/other", List.of())));

  @Test
  void runImageForLabelIsTheRunTomlEntryHoldingTheAnalyzedImage() {
    assertThat(RunImageLabel.choose(RUN, "mirror.example/run@sha256:" + "a".repeat(64), false))
        .isEqualTo(new RunImageLabel("reg.example/run", List.of("mirror.example/run")));
    assertThat(RunImageLabel.choose(RUN, "reg.example/other", true))
        .isEqualTo(new RunImageLabel("reg.example/other", List.of()));
  }

  @Test
  void runImageForLabelIsJustTheImageWhenAnExtensionChoseOneOutsideRunToml() {
    assertThat(RunImageLabel.choose(RUN, "ext.example/custom@sha256:" + "b".repeat(64), true))
        .isEqualTo(new RunImageLabel("ext.example/custom", List.of()));
  }

  @Test
  void runImageForLabelFallsBackToTheFirstRunTomlEntryWithoutExtensions() {
    assertThat(RunImageLabel.choose(RUN, "elsewhere.example/run", false))
        .isEqualTo(new RunImageLabel("reg.example/run", List.of("mirror.example/run")));
  }

  @Test
  void runImageForLabelMatchesRunTomlThroughRegistryNormalisation() {
    RunMetadata run = new RunMetadata(List.of(
        new RunMetadata.RunImage("reg.example/first", List.of()),
        new RunMetadata.RunImage("busybox", List.of("docker.io/acme/busybox"))));
    for (String used : List.of("index.docker.io/busybox", "docker.io/library/busybox:latest",
        "index.docker.io/library/busybox@sha256:" + "d".repeat(64), "acme/busybox:latest")) {
      assertThat(RunImageLabel.choose(run, used, false)).as(used)
          .isEqualTo(new RunImageLabel("busybox", List.of("docker.io/acme/busybox")));
    }
    assertThat(RunImageLabel.choose(run, "busybox:1.36", false)).as("another tag is another image")
        .isEqualTo(new RunImageLabel("reg.example/first", List.of()));
  }

  @Test
  void runImageForLabelIsTheUsedRunImageWithoutRunTomlOrWithAnEmptyOne() throws IOException {
    String used = "reg.example/used@sha256:" + "e".repeat(64);
    Files.writeString(dir.resolve("empty-run.toml"), "# no images\n");
    for (RunMetadata run : List.of(RunMetadata.read(dir.resolve("absent-run.toml")),
        RunMetadata.read(dir.resolve("empty-run.toml")))) {
      assertThat(RunImageLabel.choose(run, used, false))
          .isEqualTo(new RunImageLabel("reg.example/used", List.of()));
      assertThat(RunImageLabel.choose(run, used, true))
          .isEqualTo(new RunImageLabel("reg.example/used", List.of()));
    }
  }

  @Test
  void lifecycleMetadataJsonHasTheSpecFieldNamesWithSortedKeys() {
    LifecycleMetadata m = new LifecycleMetadata(List.of("sha256:app"), "sha256:cfg", "sha256:launcher",
        List.of(new LifecycleMetadata.BuildpackLayers("bp/a", "1.0", Map.of("deps",
            new LifecycleMetadata.LayerMetadata("sha256:deps", Map.of("z", 1, "a", "x"), false, true, false)))),
        new LifecycleMetadata.RunImage("sha256:top", "reg.example/run@sha256:" + "c".repeat(64),
            new RunImageLabel("reg.example/run", List.of("mirror.example/run"))));
    assertThat(m.toJson()).isEqualTo("{\"app\":[{\"sha\":\"sha256:app\"}],"
        + "\"buildpacks\":[{\"key\":\"bp/a\",\"layers\":{\"deps\":{\"build\":false,\"cache\":false,"
        + "\"data\":{\"a\":\"x\",\"z\":1},\"launch\":true,\"sha\":\"sha256:deps\"}},\"version\":\"1.0\"}],"
        + "\"config\":{\"sha\":\"sha256:cfg\"},\"launcher\":{\"sha\":\"sha256:launcher\"},"
        + "\"runImage\":{\"image\":\"reg.example/run\",\"mirrors\":[\"mirror.example/run\"],"
        + "\"reference\":\"reg.example/run@sha256:" + "c".repeat(64) + "\",\"topLayer\":\"sha256:top\"},"
        + "\"stack\":{\"runImage\":{\"image\":\"reg.example/run\",\"mirrors\":[\"mirror.example/run\"]}}}");
  }

  @Test
  void buildMetadataLabelComesFromMetadataToml() throws IOException {
    Path file = dir.resolve("metadata.toml");
    Files.writeString(file, """
        buildpack-default-process-type = "web"
        [[buildpacks]]
        id = "bp/a"
        version = "1.0"
        api = "0.10"
        homepage = "https://a.example"
        [[extensions]]
        id = "ext/b"
        version = "2.0"
        api = "0.11"
        [[processes]]
        type = "web"
        command = ["/bin/serve", "--port"]
        args = ["8080"]
        direct = true
        default = true
        buildpack-id = "bp/a"
        [[labels]]
        key = "org.example.k"
        value = "v"
        """);
    BuildMetadataLabel label = BuildMetadataLabel.read(file, new BuildMetadataLabel.Launcher("0.1.0", "r", "c"));
    assertThat(label.labels()).containsExactly(new BuildMetadataLabel.BuildpackLabel("org.example.k", "v"));
    assertThat(label.toJson()).isEqualTo("{\"buildpacks\":[{\"homepage\":\"https://a.example\",\"id\":\"bp/a\","
        + "\"version\":\"1.0\"}],\"extensions\":[{\"api\":\"0.11\",\"id\":\"ext/b\",\"version\":\"2.0\"}],"
        + "\"launcher\":{\"source\":{\"git\":{\"commit\":\"c\",\"repository\":\"r\"}},\"version\":\"0.1.0\"},"
        + "\"processes\":[{\"args\":[\"8080\"],\"buildpackID\":\"bp/a\",\"command\":[\"/bin/serve\",\"--port\"],"
        + "\"direct\":true,\"type\":\"web\"}]}");
  }

  @Test
  void aBuiltInLauncherIsNamedInTheSourceInsteadOfAGitCommit() throws IOException {
    Path file = dir.resolve("builtin-metadata.toml");
    Files.writeString(file, "[[buildpacks]]\nid = \"bp/a\"\nversion = \"1.0\"\n");
    String json = BuildMetadataLabel.read(file, BuildMetadataLabel.Launcher.builtIn("cnbfarm-sh", "1")).toJson();
    assertThat(json).contains("\"launcher\":{\"source\":{\"name\":\"cnbfarm-sh\",\"version\":\"1\"},\"version\":\"1\"}");
  }

  @Test
  void missingMetadataTomlIsAnExportError() {
    assertThatThrownBy(() -> BuildMetadataLabel.read(dir.resolve("none.toml"),
        new BuildMetadataLabel.Launcher("", "", "")))
        .isInstanceOfSatisfying(LifecycleException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.EXPORT_ERROR));
  }

  @Test
  void projectMetadataIsEmptyObjectWithoutTheFileAndSortedJsonWithIt() throws IOException {
    assertThat(ProjectMetadataLabel.read(dir.resolve("absent.toml"))).isEqualTo("{}");
    Path file = dir.resolve("project-metadata.toml");
    Files.writeString(file, "[source]\ntype = \"git\"\n[source.version]\ncommit = \"abc\"\n");
    assertThat(ProjectMetadataLabel.read(file)).isEqualTo("{\"source\":{\"type\":\"git\",\"version\":{\"commit\":\"abc\"}}}");
  }

  @Test
  void layerTomlsListDeclaredLayersWithTypesAndMetadataSkippingLaunchToml() throws IOException {
    Path bp = Files.createDirectories(LayerTomls.buildpackDir(dir, "bp/a"));
    assertThat(bp.getFileName().toString()).isEqualTo("bp_a");
    Files.writeString(bp.resolve("launch.toml"), "[[processes]]\ntype = \"web\"\ncommand = [\"x\"]\n");
    Files.writeString(bp.resolve("run.toml"), "[types]\nlaunch = true\n[metadata]\nversion = \"1\"\n");
    Files.writeString(bp.resolve("cache.toml"), "[types]\ncache = true\n");
    List<Layer> layers = LayerTomls.read(bp);
    assertThat(layers).extracting(Layer::name).containsExactly("cache", "run");
    assertThat(layers.get(1).launch()).isTrue();
    assertThat(layers.get(1).metadata()).containsEntry("version", "1");
    assertThat(layers.get(0).launch()).isFalse();
    assertThat(layers.get(0).cache()).isTrue();
  }

  @Test
  void reportTomlHasImageTagsDigestAndManifestSize() {
    ExportReport r = new ExportReport(List.of("a/b:1", "a/b:2"), "sha256:" + "d".repeat(64), 1234);
    assertThat(r.toToml()).isEqualTo(Map.of("image", Map.of("tags", List.of("a/b:1", "a/b:2"),
        "digest", "sha256:" + "d".repeat(64), "manifest-size", 1234L)));
  }
}
