package dev.cnbfarm.itests.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.engine.testing.SampleImages;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStoreException;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.client.BuildHistory;
import dev.cnbfarm.schemas.BuildBuilt;
import dev.cnbfarm.schemas.BuildDetected;
import dev.cnbfarm.schemas.BuildExported;
import dev.cnbfarm.schemas.BuildFailed;
import dev.cnbfarm.schemas.LayerDescriptor;
import dev.cnbfarm.schemas.RunImageReady;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through the pipeline (issue 9 "Must show"): {@code cnbfarm build --bootstrap} submits
 * to a farm of in-process workers over a real broker, with every image in an {@code oci:} layout
 * or in a real registry. Each success is checked in the store (digest, labels, layers: run image,
 * then extension layers, then the build's) and by running the image; each failure by its exit
 * code and by there being no image.
 */
class PipelineIT {
  @TempDir static Path dir;
  static Farm farm;
  static FixtureBuilders fixtures;

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

  @ParameterizedTest
  @EnumSource(Target.class)
  void buildsWithoutExtensions(Target target) {
    ImageRef builder = fixtures.builder(target, "plain", FixtureBuilders.HELLO, List.of());

    Built b = build(target, builder, "app-plain");

    assertThat(b.detected.getGroup()).extracting(g -> g.getId()).containsExactly(FixtureBuilders.HELLO);
    assertThat(b.detected.getDockerfiles()).isEmpty();
    assertThat(b.built.getBuildImageExtended()).isFalse();
    assertThat(b.ready.getExtended()).isFalse();
    assertThat(b.ready.getRunImage()).isEqualTo(fixtures.samples(target).run().toString());
    assertThat(run(b.target)).contains("hello from the fixture app (build tool: none)").doesNotContain("run-file");
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void switchesTheRunImage(Target target) {
    ImageRef builder = fixtures.builder(target, "switch", FixtureBuilders.HELLO, List.of("samples/run-tiny"));

    Built b = build(target, builder, "app-switch", "--env", "SAMPLES_RUN_TINY=" + tiny(target));

    assertThat(b.detected.getRunImage().getSwitched()).isTrue();
    assertThat(b.detected.getRunImage().getExtended()).isFalse();
    assertThat(b.ready.getExtended()).isFalse();
    assertThat(b.ready.getRunImage()).isEqualTo(fixtures.samples(target).runTiny().toString());
    assertThat(b.output).contains("switched by an extension");
    assertThat(run(b.target, "--", "/bin/cat", "/etc/motd")).contains("cnbfarm sample run image (tiny)");
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void extendsTheBuildImage(Target target) {
    ImageRef builder = fixtures.builder(target, "build-ext", FixtureBuilders.HELLO, List.of("fixtures/build-tool"));

    Built b = build(target, builder, "app-build-ext");

    assertThat(b.detected.getDockerfiles()).extracting(d -> d.getExtensionId()).containsExactly("fixtures/build-tool");
    assertThat(b.built.getBuildImageExtended()).isTrue();
    assertThat(b.ready.getExtended()).isFalse();
    assertThat(run(b.target)).contains("hello from the fixture app (build tool: fixture-tool ran as 1000)");
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void extendsTheRunImage(Target target) {
    ImageRef builder = fixtures.builder(target, "run-ext", FixtureBuilders.HELLO, List.of("fixtures/run-file"));

    Built b = build(target, builder, "app-run-ext");

    assertThat(b.built.getBuildImageExtended()).isFalse();
    assertThat(b.ready.getExtended()).isTrue();
    assertThat(b.ready.getExtensionLayers()).hasSize(1);
    assertThat(run(b.target)).contains("hello from the fixture app (build tool: none)",
        "run-file added by a run-image extension");
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void switchesAndExtendsWithTheSampleBuilder(Target target) {
    SampleImages samples = fixtures.samples(target);

    Built b = build(target, samples.builder(), "app-sample", "--run-image", samples.run().toString(),
        "--env", "SAMPLES_RUN_TINY=" + tiny(target));

    assertThat(b.detected.getRunImage().getSwitched()).isTrue();
    assertThat(b.detected.getRunImage().getExtended()).isTrue();
    assertThat(b.built.getBuildImageExtended()).isTrue();
    assertThat(b.ready.getExtended()).isTrue();
    assertThat(b.ready.getRunImage()).isEqualTo(samples.runTiny().toString());
    assertThat(b.output).contains("===> DETECTING", "===> EXTENDING (BUILD) AND BUILDING", "===> EXTENDING (RUN)",
        "===> EXPORTING", "hello-tool says hi to cnb");
    assertThat(run(b.target)).contains("hello from a cnbfarm sample app (built by: hello-tool says hi to cnb)",
        "motd v2: built with cnbfarm");
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void buildsOnAnEphemeralBuilderWithAddedBuildpackAndExtensionDirs(Target target) {
    ImageRef builder = fixtures.buildpackless(target);

    Built b = build(target, builder, "app-ephemeral", "--extension",
        FixtureBuilders.moduleDir("extensions", "fixtures/run-file").toString(), "--buildpack",
        FixtureBuilders.moduleDir("buildpacks", FixtureBuilders.HELLO).toString());

    assertThat(b.output).contains("Using an ephemeral builder");
    assertThat(b.detected.getGroup()).extracting(g -> g.getId()).containsExactly(FixtureBuilders.HELLO,
        "fixtures/run-file");
    assertThat(b.detected.getBuilderImage()).contains("cnbfarm-ephemeral-builder-").isNotEqualTo(builder.toString());
    assertThat(b.ready.getExtended()).isTrue();
    assertThat(run(b.target)).contains("hello from the fixture app (build tool: none)",
        "run-file added by a run-image extension");
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void aFailingDetectIsReportedWithExit20AndExportsNothing(Target target) {
    ImageRef builder = fixtures.builder(target, "no-detect", "fixtures/no-detect", List.of());

    Failed f = fail(target, builder, "app-no-detect");

    assertThat(f.cli.code()).as(f.cli.describe()).isEqualTo(20);
    assertThat(f.failed.getPhase()).isEqualTo("detect");
    assertThat(f.failed.getExitCode()).isEqualTo(20);
    assertThat(f.cli.output()).contains("ERROR: failed to build: detect failed with exit code 20");
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void anUnparsableDockerfileIsRefusedAtGenerateWithExit92(Target target) {
    ImageRef builder = fixtures.builder(target, "bad-df", FixtureBuilders.HELLO, List.of("fixtures/bad-dockerfile"));

    Failed f = fail(target, builder, "app-bad-df");

    assertThat(f.cli.code()).as(f.cli.describe()).isEqualTo(92);
    assertThat(f.failed.getPhase()).isEqualTo("detect");
    assertThat(f.failed.getMessage()).contains("build.Dockerfile", "line 3");
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void aTwoStageRunDockerfileIsRefusedAtGenerateWithExit92(Target target) {
    ImageRef builder = fixtures.builder(target, "two-stages", FixtureBuilders.HELLO,
        List.of("fixtures/run-two-stages"));

    Failed f = fail(target, builder, "app-two-stages");

    assertThat(f.cli.code()).as(f.cli.describe()).isEqualTo(92);
    assertThat(f.failed.getMessage()).contains("run.Dockerfile");
  }

  private static String tiny(Target target) {
    return fixtures.samples(target).runTiny().withoutDigest().toString();
  }

  private static ImageRef target(Target target, String name) {
    return target.ref(farm, dir, name);
  }

  private static String run(ImageRef image, String... args) {
    List<String> all = new ArrayList<>(List.of("run", image.toString()));
    all.addAll(List.of(args));
    Farm.Cli run = farm.cli(all.toArray(String[]::new));
    assertThat(run.code()).as(run.describe()).isZero();
    return run.output();
  }

  /** A build that must succeed, checked against the store. */
  private static Built build(Target kind, ImageRef builder, String name, String... more) {
    ImageRef target = target(kind, name);
    Path app = builder.equals(fixtures.samples(kind).builder()) ? fixtures.samples(kind).app()
        : FixtureBuilders.FIXTURES.resolve("app");
    List<String> args = new ArrayList<>(List.of("--builder", builder.toString(), "--app", app.toString(),
        "--image", target.toString()));
    args.addAll(List.of(more));
    Farm.Cli cli = farm.build(args.toArray(String[]::new));
    assertThat(cli.code()).as(cli.describe()).isZero();
    BuildHistory history = farm.history(cli.buildId());
    BuildExported exported = history.exported().orElseThrow();
    Image image = farm.store.read(target);
    assertThat(cli.digest()).isEqualTo(exported.getImageDigest()).isEqualTo(image.manifestDigest().toString());
    assertThat(image.config().labels()).containsKeys("io.buildpacks.lifecycle.metadata",
        "io.buildpacks.build.metadata");
    BuildDetected detected = one(history, BuildDetected.class);
    BuildBuilt built = one(history, BuildBuilt.class);
    RunImageReady ready = one(history, RunImageReady.class);
    assertThat(image.config().labels().get("io.buildpacks.build.metadata"))
        .contains(detected.getGroup().get(0).getId());
    assertLayers(image, ready, built);
    return new Built(target, cli.output(), detected, built, ready);
  }

  /** The app image's layers: the run image's, then the run extension's, then every layer of the build. */
  private static void assertLayers(Image image, RunImageReady ready, BuildBuilt built) {
    List<String> layers = image.manifest().layers().stream().map(d -> d.digest().toString()).toList();
    List<String> run = farm.store.read(ImageRef.parse(ready.getRunImage())).manifest().layers().stream()
        .map(Descriptor::digest).map(Object::toString).toList();
    List<String> extension = ready.getExtensionLayers().stream().map(LayerDescriptor::getDigest).toList();
    List<String> build = built.getLayers().stream().map(LayerDescriptor::getDigest).toList();
    assertThat(build).isNotEmpty();
    List<String> expectedPrefix = new ArrayList<>(run);
    expectedPrefix.addAll(extension);
    assertThat(layers.subList(0, Math.min(layers.size(), expectedPrefix.size()))).isEqualTo(expectedPrefix);
    assertThat(layers.subList(expectedPrefix.size(), layers.size())).containsAll(build);
  }

  /** A build that must fail: no exported event, no image at the target. */
  private static Failed fail(Target kind, ImageRef builder, String name) {
    ImageRef target = target(kind, name);
    Farm.Cli cli = farm.build("--builder", builder.toString(), "--app", FixtureBuilders.FIXTURES.resolve("app")
        .toString(), "--image", target.toString());
    String id = cli.buildId();
    BuildHistory history = farm.history(id);
    assertThat(history.exported()).isEmpty();
    assertThat(farm.broker.records(farm.topic(Topic.EXPORTED))).noneMatch(r -> id.equals(new String(r.key(),
        StandardCharsets.UTF_8)));
    assertThatThrownBy(() -> farm.store.read(target)).isInstanceOf(ImageStoreException.class);
    return new Failed(cli, one(history, BuildFailed.class));
  }

  private static <T extends SpecificRecord> T one(BuildHistory history, Class<T> type) {
    List<T> found = history.events().stream().map(e -> e.event()).filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as("%s events of build %s", type.getSimpleName(), history.buildId()).hasSize(1);
    return found.get(0);
  }

  private record Built(ImageRef target, String output, BuildDetected detected, BuildBuilt built,
      RunImageReady ready) {}

  private record Failed(Farm.Cli cli, BuildFailed failed) {}
}
