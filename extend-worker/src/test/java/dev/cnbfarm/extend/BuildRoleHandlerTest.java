package dev.cnbfarm.extend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.engine.build.BuildSettings;
import dev.cnbfarm.engine.extend.ExtendSettings;
import dev.cnbfarm.engine.extend.ExtendWorkspace;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.rootfs.LocalCache;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.runtime.EventIds;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.handler.HandlerResult;
import dev.cnbfarm.schemas.BuildBuilt;
import dev.cnbfarm.schemas.BuildDetected;
import dev.cnbfarm.schemas.LayerDescriptor;
import dev.cnbfarm.schemas.ProcessType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build role on the sample (samples/demo's builder and app) with a real sandbox and overlayfs:
 * build.Dockerfile applied as root, the build as 1000:1000 on the extended image, the layers
 * published to an {@code oci:} target. No Kafka: the handler is called directly.
 */
class BuildRoleHandlerTest {
  static final ExtendSettings EXTEND = new ExtendSettings(Duration.ofMinutes(2), Duration.ofHours(336), Optional.empty());
  static final BuildSettings BUILD = new BuildSettings(Duration.ofMinutes(2));

  @TempDir static Path shared;
  static DetectedBuilds builds;
  static BuildDetected sample;

  @TempDir Path tmp;
  private LocalCache cache;
  private final TestContext context = TestContext.fixed();

  @BeforeAll
  static void detect() throws IOException {
    builds = DetectedBuilds.write(shared);
    sample = builds.sample("build-1");
  }

  @BeforeEach
  void openCache() {
    cache = LocalCache.open(tmp.resolve("cache"), Map.of());
  }

  @AfterEach
  void closeCache() {
    cache.close();
  }

  private BuildRoleHandler handler() {
    return new ExtendWorker(builds.store, new ExtendWorkspace(cache), tmp.resolve("work"), shared.resolve("builders"),
        EXTEND, BUILD).buildRole();
  }

  private BuildBuilt built(BuildDetected event) {
    HandlerResult result = handler().handle(event, context);
    assertThat(result.outputs()).hasSize(1);
    assertThat(result.outputs().get(0).topic()).isEqualTo(Topic.BUILT);
    assertThat(result.outputs().get(0).key()).isEqualTo(event.getBuildId());
    return (BuildBuilt) result.outputs().get(0).value();
  }

  @Test
  void publishesTheSampleBuildsLayersToTheTargetRepositoryAfterExtendingTheBuildImage() throws IOException {
    BuildDetected event = builds.targeting(sample, "publishes");

    BuildBuilt built = built(event);

    assertThat(built.getEventId()).isEqualTo(EventIds.of("build-1", "built", 1));
    assertThat(built.getOccurredAt()).isEqualTo(context.clock().instant());
    assertThat(built.getProducer()).isEqualTo("extend-test-1");
    assertThat(built.getSpec()).isEqualTo(event.getSpec());
    assertThat(built.getGroup()).isEqualTo(event.getGroup());
    assertThat(built.getLayers()).extracting(LayerDescriptor::getId)
        .containsExactly("samples/hello-extensions:greeter", "app", "launcher", "config");
    ImageRef repository = ImageRef.parse(built.getRepository());
    assertThat(built.getLayers()).allSatisfy(l -> {
      assertThat(builds.store.hasBlob(repository, Digest.parse(l.getDigest()))).as(l.getId()).isTrue();
      assertThat(l.getSize()).isPositive();
      assertThat(l.getDiffId()).startsWith("sha256:");
    });
    assertThat(built.getProcesses()).extracting(ProcessType::getType, ProcessType::getCommand)
        .containsExactly(org.assertj.core.api.Assertions.tuple("web", List.of("greet")));
    assertThat(built.getBuildImageExtended()).isTrue();
    assertThat(built.getExtensionLayers()).isEqualTo(2);
    assertThat(built.getRunsExecuted()).isEqualTo(2);
    // the buildpack ran the tool the build.Dockerfile's RUN installed, as the CNB user
    assertThat(context.log().infoLines()).contains("hello-tool says hi to cnb");
    assertThat(text(repository, built.getLayers().get(0))).contains("built by: hello-tool says hi to cnb");
    assertThat(built.getBuildMetadataJson()).contains("cnbfarm-sh");
    assertThat(built.getBuildpacksMetadataJson()).contains("samples/hello-extensions", "greeter");
    assertThat(built.getProjectMetadataJson()).isEqualTo("{}");
    assertThat(workDirs()).isEmpty();
  }

  @Test
  void aBuildpackThatFailsItsBuildIsExitFiftyOne() {
    BuildDetected event = builds.detect("fail-1", builds.failingBuilder);

    assertThatThrownBy(() -> handler().handle(event, context)).isInstanceOf(LifecycleException.class)
        .hasMessageContaining("fixtures/fails-build").hasMessageContaining("the compiler is missing")
        .extracting(e -> ((LifecycleException) e).code()).isEqualTo(FailureCode.BUILD_FAILED);
    assertThat(context.log().infoLines()).contains("Running build for buildpack fixtures/fails-build@0.0.1");
    assertThat(shared.resolve("targets/fail-1")).doesNotExist();
    assertThat(workDirs()).isEmpty();
  }

  @Test
  void anInvalidBuildDockerfileIsExitOneHundredTwoNamingTheDockerfile() {
    BuildDetected event = builds.withGenerated(builds.targeting(sample, "invalid"), dir -> Files.writeString(
        dir.resolve("samples_hello-tool/build.Dockerfile"), "ARG base_image\nFROM ${base_image}\nFROBNICATE /x\n"));

    assertThatThrownBy(() -> handler().handle(event, context)).isInstanceOf(LifecycleException.class)
        .hasMessage("<generated>/samples_hello-tool/build.Dockerfile: dockerfile parse error on line 3: unknown instruction: FROBNICATE")
        .hasMessageNotContaining(tmp.toString())
        .extracting(e -> ((LifecycleException) e).code()).isEqualTo(FailureCode.EXTEND_ERROR);
    assertThat(workDirs()).isEmpty();
  }

  @Test
  void theSameEventTwiceGivesEqualBuiltEventsAndTheCacheServesTheCacheableRun() {
    BuildDetected event = builds.targeting(sample, "twice");

    BuildBuilt first = built(event);
    BuildBuilt second = built(event);

    assertThat(first.getRunsExecuted()).isEqualTo(2);
    // the hello-tool Dockerfile's second RUN uses build_id, a fresh UUID each time (extensions.md §6.3)
    assertThat(second.getRunsExecuted()).isEqualTo(1);
    assertThat(BuildBuilt.newBuilder(second).setRunsExecuted(first.getRunsExecuted()).build()).isEqualTo(first);
  }

  @Test
  void anotherWorkerWithAnEmptyCachePublishesTheSameLayers() {
    BuildDetected event = builds.targeting(sample, "other-worker");
    BuildBuilt first = built(event);

    try (LocalCache other = LocalCache.open(tmp.resolve("other-cache"), Map.of())) {
      BuildBuilt second = new ExtendWorker(builds.store, new ExtendWorkspace(other), tmp.resolve("work"),
          shared.resolve("builders"), EXTEND, BUILD).buildRole().handle(event, context).outputs().stream()
          .map(o -> (BuildBuilt) o.value()).findFirst().orElseThrow();

      assertThat(second.getRunsExecuted()).isEqualTo(2);
      assertThat(second).isEqualTo(first);
    }
  }

  @Test
  void anEnvNameThatIsAPathIsRefusedBeforeTheBuild() {
    BuildDetected event = BuildDetected.newBuilder(sample).setSpec(dev.cnbfarm.schemas.BuildSpec.newBuilder(
        sample.getSpec()).setEnv(Map.of("../../escape", "x")).build()).build();

    assertThatThrownBy(() -> handler().handle(event, context)).isInstanceOf(LifecycleException.class)
        .hasMessage("spec.env: '../../escape' is not a usable variable name (it becomes the file <platform>/env/<name>)")
        .extracting(e -> ((LifecycleException) e).code()).isEqualTo(FailureCode.INVALID_INPUT);
    assertThat(workDirs()).isEmpty();
  }

  private List<Path> workDirs() {
    if (!Files.isDirectory(tmp.resolve("work"))) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(tmp.resolve("work"))) {
      return dirs.toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A layer blob's tar, as text (enough to find a file's content in it). */
  private static String text(ImageRef repository, LayerDescriptor layer) throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    builds.store.pullBlob(repository, Digest.parse(layer.getDigest()), gz);
    try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz.toByteArray()))) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
