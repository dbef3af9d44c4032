package dev.cnbfarm.engine.extend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.dockerfile.SparseLayout;
import dev.cnbfarm.image.dockerfile.SparseLayoutReader;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.engine.testing.TestInputs;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code extender -kind run} end to end: OCI layout base, real sandbox, sparse output (E1–E3, E7). */
class ExtenderPhaseRunTest {
  @TempDir static Path shared;
  static LayoutRef baseRef;
  @TempDir Path layers;
  private ExtendWorkspace workspace;

  @BeforeAll
  static void baseImage() throws IOException {
    baseRef = BusyboxBaseImage.write(shared);
  }

  @BeforeEach
  void layersDir() throws IOException {
    workspace = new ExtendWorkspace(shared.resolve("workspace"));
    Files.writeString(layers.resolve("analyzed.toml"), "[run-image]\nreference = \"" + baseRef + "\"\nextend = true\n");
    Files.writeString(layers.resolve("group.toml"), """
        [[group]]
        id = "bp/a"
        version = "1"
        api = "0.10"
        [[group-extensions]]
        id = "ext/a"
        version = "1"
        api = "0.11"
        [[group-extensions]]
        id = "ext/b"
        version = "1"
        api = "0.11"
        """);
    Files.createDirectories(layers.resolve("app"));
  }

  private void dockerfile(String ext, String content) throws IOException {
    Path dir = Files.createDirectories(layers.resolve("generated").resolve(ext.replace('/', '_')));
    Files.writeString(dir.resolve("run.Dockerfile"), content);
  }

  private ExtenderPhase.Outcome extend() {
    return extend(workspace, Map.of());
  }

  private ExtenderPhase.Outcome extend(ExtendWorkspace ws, Map<String, String> env) {
    Map<String, String> flags = Map.of("kind", "run", "layers", layers.toString(), "app", layers.resolve("app").toString());
    return TestInputs.of(flags, env, ApiVersion.of(0, 13)).runExtender(new OciLayoutImageStore(),
        ws, Reporter.NONE, Duration.ofMinutes(2));
  }

  @Test
  void aSecondWorkerWithAnEmptyWorkspaceHitsTheSharedLayerCache(@TempDir Path other) throws IOException {
    dockerfile("ext/a", "ARG base_image\nFROM ${base_image}\nUSER root\nRUN echo shared > /s\nUSER cnb\n");
    Map<String, String> env = Map.of("CNBFARM_LAYER_CACHE_REPO", "oci:" + other.resolve("shared-cache") + ":unused");
    ExtenderPhase.Outcome first = extend(new ExtendWorkspace(other.resolve("worker1")), env);
    ExtenderPhase.Outcome second = extend(new ExtendWorkspace(other.resolve("worker2")), env);
    assertThat(first.runsExecuted()).isEqualTo(1);
    assertThat(second.runsExecuted()).isZero();
    assertThat(second.image().stack().readText("/s")).contains("shared\n");
  }

  @Test
  void chainsRunDockerfilesInGroupOrderIntoASparseLayout() throws IOException {
    dockerfile("ext/a", """
        ARG base_image
        FROM ${base_image}
        ARG user_id
        ARG group_id
        USER root
        RUN echo "a $user_id:$group_id" > /a
        LABEL io.buildpacks.rebasable=true
        USER ${user_id}:${group_id}
        """);
    dockerfile("ext/b", "ARG base_image\nFROM ${base_image}\nCOPY tool.txt /opt/tool.txt\n");
    Path ctx = Files.createDirectories(layers.resolve("generated/ext_b/context.run"));
    Files.writeString(ctx.resolve("tool.txt"), "tool");

    ExtenderPhase.Outcome o = extend();

    assertThat(o.dockerfiles()).isEqualTo(2);
    assertThat(o.image().stack().readText("/a")).contains("a 1000:1000\n");
    assertThat(o.image().stack().readText("/opt/tool.txt")).contains("tool");
    SparseLayout layout = new SparseLayoutReader().read(layers.resolve("extended"));
    assertThat(layout.manifest().layers()).hasSize(4);
    assertThat(layout.blob(layout.manifest().layers().get(0).digest())).isEmpty();
    assertThat(layout.blob(layout.manifest().layers().get(2).digest())).isPresent();
    assertThat(layout.config().history()).extracting(ImageConfig.History::createdBy)
        .contains("Layer: 'RUN echo \"a $user_id:$group_id\" > /a', Created by extension: ext/a",
            "Layer: 'COPY tool.txt /opt/tool.txt', Created by extension: ext/b");
    // ext/b did not set the label itself: the RFC's reset-before-each-Dockerfile rule (decisions.md #3)
    assertThat(layout.config().labels()).containsEntry("io.buildpacks.rebasable", "false");
    assertThat(layout.config().user()).contains("1000:1000");
  }

  @Test
  void everyDockerfileGetsAFreshBuildIdAndTheScratchSpaceIsLeftEmpty() throws IOException {
    dockerfile("ext/a", "ARG base_image\nFROM ${base_image}\nUSER root\nARG build_id\nRUN echo $build_id > /id-a\nUSER cnb\n");
    dockerfile("ext/b", "ARG base_image\nFROM ${base_image}\nUSER root\nARG build_id\nRUN echo $build_id > /id-b\nUSER cnb\n");

    ExtenderPhase.Outcome o = extend();

    String a = o.image().stack().readText("/id-a").orElseThrow().strip();
    String b = o.image().stack().readText("/id-b").orElseThrow().strip();
    assertThat(a).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(b).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").isNotEqualTo(a);
    try (var left = Files.list(shared.resolve("workspace/scratch"))) {
      assertThat(left.filter(p -> !p.getFileName().toString().startsWith(".")).toList()).isEmpty();
    }
  }

  @Test
  void isRebasableOnlyWhenEveryDockerfileSaysSo() throws IOException {
    dockerfile("ext/a", "ARG base_image\nFROM ${base_image}\nLABEL io.buildpacks.rebasable=true\n");
    dockerfile("ext/b", "ARG base_image\nFROM ${base_image}\nLABEL io.buildpacks.rebasable=true\nRUN true\n");
    extend();
    assertThat(new SparseLayoutReader().read(layers.resolve("extended")).config().labels())
        .containsEntry("io.buildpacks.rebasable", "true");
  }

  @Test
  void aPureSwitchKeepsTheSwitchedImagesOwnRebasableLabel() throws IOException {
    dockerfile("ext/a", "FROM " + baseRef + "\n");
    dockerfile("ext/b", "ARG base_image\nFROM ${base_image}\nLABEL io.buildpacks.rebasable=true\nRUN true\n");
    extend();
    assertThat(new SparseLayoutReader().read(layers.resolve("extended")).config().labels())
        .containsEntry("io.buildpacks.rebasable", "true");
  }

  @Test
  void finalRootUserIsAnErrorNamingTheLastExtension() throws IOException {
    dockerfile("ext/a", "ARG base_image\nFROM ${base_image}\nUSER root\n");
    assertThatThrownBy(this::extend).isInstanceOf(LifecycleException.class).hasMessageContaining("ext/a")
        .hasMessageContaining("root").extracting(e -> ((LifecycleException) e).code()).isEqualTo(FailureCode.EXTEND_ERROR);
  }

  @Test
  void secondIdenticalExtendRunsNoStep() throws IOException {
    dockerfile("ext/a", "ARG base_image\nFROM ${base_image}\nUSER root\nRUN echo cached > /c\nUSER cnb\n");
    ExtenderPhase.Outcome first = extend();
    ExtenderPhase.Outcome second = extend();
    assertThat(first.runsExecuted()).isEqualTo(1);
    assertThat(second.runsExecuted()).isZero();
    assertThat(second.cacheHits()).isEqualTo(1);
    assertThat(second.layout().orElseThrow().manifestDigest()).isEqualTo(first.layout().orElseThrow().manifestDigest());
  }
}
