package dev.cnbfarm.itests.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.runtime.client.BuildHistory;
import dev.cnbfarm.schemas.BuildBuilt;
import dev.cnbfarm.schemas.LayerDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rebuilds through the pipeline (issue 10 item 7 "Must show"): {@code cnbfarm build --bootstrap}
 * with its defaults, the previous image being the target and the cache an image {@code
 * <repo>:<tag>-cache} (registry target) or the dir {@code <layout>.cache/<tag>} ({@code oci:}
 * target). The fixture buildpack {@code fixtures/deps} prints whether it installed or reused each
 * layer: {@code dep} ({@code launch = true, cache = true}), {@code tools} ({@code build = true, cache
 * = true}) and {@code conf} ({@code launch = true}, reused by its toml alone). Blob uploads are the
 * workers' store's count.
 */
class RebuildPipelineIT {
  @TempDir static Path dir;
  static Farm farm;
  static FixtureBuilders fixtures;

  @TempDir Path work;

  @BeforeAll
  static void startFarm() {
    farm = Farm.start(dir);
    fixtures = new FixtureBuilders(farm, dir);
  }

  @AfterAll
  static void stopFarm() {
    if (farm != null) {
      farm.close();
    }
  }

  /** One build: what the CLI printed, the digest, the blobs the workers uploaded, the build's layers by id. */
  record Build(String output, String digest, int uploads, Map<String, String> layers) {}

  @ParameterizedTest
  @EnumSource(Target.class)
  void anUnchangedRebuildRebuildsNoLayerUploadsNoBlobAndGivesTheSameDigest(Target kind) throws IOException {
    ImageRef target = kind.ref(farm, dir, "rebuild-same");
    Path app = app();
    Build first = build(kind, target, app);
    assertThat(first.output()).contains("installing dep 1.0", "installing tools 1", "installing conf 1",
        "Adding cache layer 'fixtures/deps:dep'", "Adding cache layer 'fixtures/deps:tools'");
    // (the first build's uploads are not counted: the tests' images share one layout and registry)
    if (kind == Target.REGISTRY) {
      assertThat(farm.store.read(ImageRef.parse(target + "-cache")).manifest().layers()).hasSize(2);
    } else {
      assertThat(dir.resolve("images.cache/rebuild-same/committed")).isDirectory();
    }

    Build second = build(kind, target, app);

    assertThat(second.output()).contains("Restoring data for \"fixtures/deps:dep\" from cache",
        "Restoring data for \"fixtures/deps:tools\" from cache", "reusing dep 1.0", "reusing tools 1",
        "reusing conf 1", "Reusing layer 'fixtures/deps:conf'", "Reusing cache layer 'fixtures/deps:dep'")
        .doesNotContain("installing", "Adding cache layer");
    assertThat(second.uploads()).isZero();
    assertThat(second.layers()).isEqualTo(first.layers());
    assertThat(second.digest()).isEqualTo(first.digest());
    assertThat(run(target)).contains("dep 1.0, conf: conf 1, app: the fixture app");
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void aRebuildWithOnlyTheAppChangedUploadsOnlyTheAppLayer(Target kind) throws IOException {
    ImageRef target = kind.ref(farm, dir, "rebuild-app");
    Path app = app();
    Build first = build(kind, target, app);
    Files.writeString(app.resolve("app.sh"), "#!/bin/sh\necho \"the changed app\"\n");

    Build second = build(kind, target, app);

    assertThat(second.output()).contains("reusing dep 1.0", "reusing tools 1", "reusing conf 1")
        .doesNotContain("installing");
    List<String> changed = new ArrayList<>();
    second.layers().forEach((id, digest) -> {
      if (!digest.equals(first.layers().get(id))) {
        changed.add(id);
      }
    });
    assertThat(changed).containsExactly("app");
    assertThat(second.uploads()).isEqualTo(1);
    assertThat(second.digest()).isNotEqualTo(first.digest());
    assertThat(run(target)).contains("dep 1.0, conf: conf 1, app: the changed app");
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void withTheCacheClearedTheCachedLayersAreRebuiltToTheSameImage(Target kind) throws IOException {
    ImageRef target = kind.ref(farm, dir, "rebuild-clear");
    Path app = app();
    Build first = build(kind, target, app);

    Build cleared = build(kind, target, app, "--clear-cache");

    assertThat(cleared.output()).contains("installing dep 1.0", "installing tools 1", "reusing conf 1")
        .doesNotContain("Restoring data for");
    assertThat(cleared.layers()).isEqualTo(first.layers());
    assertThat(cleared.digest()).isEqualTo(first.digest());
    // the cache was written afresh: the next build restores from it again
    Build third = build(kind, target, app);
    assertThat(third.output()).contains("reusing dep 1.0", "reusing tools 1").doesNotContain("installing");
    assertThat(third.digest()).isEqualTo(first.digest());
  }

  private Path app() throws IOException {
    Path app = Files.createDirectories(work.resolve("app"));
    Files.copy(FixtureBuilders.FIXTURES.resolve("app/app.sh"), app.resolve("app.sh"));
    return app;
  }

  private static Build build(Target kind, ImageRef target, Path app, String... more) {
    ImageRef builder = fixtures.builder(kind, "deps", "fixtures/deps", List.of());
    List<String> args = new ArrayList<>(List.of("--builder", builder.toString(), "--app", app.toString(),
        "--image", target.toString()));
    args.addAll(List.of(more));
    farm.store.reset();
    Farm.Cli cli = farm.build(args.toArray(String[]::new));
    assertThat(cli.code()).as(cli.describe()).isZero();
    int uploads = farm.store.uploads();
    BuildHistory history = farm.history(cli.buildId());
    List<BuildBuilt> built = history.events().stream().map(e -> e.event()).filter(BuildBuilt.class::isInstance)
        .map(BuildBuilt.class::cast).toList();
    assertThat(built).hasSize(1);
    Map<String, String> layers = built.get(0).getLayers().stream()
        .collect(Collectors.toMap(LayerDescriptor::getId, LayerDescriptor::getDigest));
    assertThat(cli.digest()).isEqualTo(farm.store.read(target).manifestDigest().toString());
    return new Build(cli.output(), cli.digest(), uploads, layers);
  }

  private static String run(ImageRef image) {
    Farm.Cli run = farm.cli("run", image.toString());
    assertThat(run.code()).as(run.describe()).isZero();
    return run.output();
  }
}
