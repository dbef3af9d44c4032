package dev.cnbfarm.extend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.engine.extend.ExtendWorkspace;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.rootfs.LocalCache;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.runtime.EventIds;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.handler.HandlerResult;
import dev.cnbfarm.schemas.BuildDetected;
import dev.cnbfarm.schemas.LayerDescriptor;
import dev.cnbfarm.schemas.RunImageReady;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run role on the sample: samples/run-tiny switches the run image, samples/motd extends it
 * with a run.Dockerfile and a context dir; real sandbox and overlayfs, {@code oci:} target. A
 * builder without extensions gives a run image to pass through. No Kafka.
 */
class RunRoleHandlerTest {
  @TempDir static Path shared;
  static DetectedBuilds builds;
  static BuildDetected sample;
  static BuildDetected plain;

  @TempDir Path tmp;
  private LocalCache cache;
  private final TestContext context = TestContext.fixed();

  @BeforeAll
  static void detect() throws IOException {
    builds = DetectedBuilds.write(shared);
    sample = builds.sample("run-1");
    plain = builds.detect("plain-1", builds.failingBuilder);
  }

  @BeforeEach
  void openCache() {
    cache = LocalCache.open(tmp.resolve("cache"), Map.of());
  }

  @AfterEach
  void closeCache() {
    cache.close();
  }

  private RunRoleHandler handler(LocalCache on) {
    return new ExtendWorker(builds.store, new ExtendWorkspace(on), tmp.resolve("work"), shared.resolve("builders"),
        BuildRoleHandlerTest.EXTEND, BuildRoleHandlerTest.BUILD).runRole();
  }

  private RunImageReady ready(BuildDetected event) {
    return ready(event, cache);
  }

  private RunImageReady ready(BuildDetected event, LocalCache on) {
    HandlerResult result = handler(on).handle(event, context);
    assertThat(result.outputs()).hasSize(1);
    assertThat(result.outputs().get(0).topic()).isEqualTo(Topic.RUN_READY);
    assertThat(result.outputs().get(0).key()).isEqualTo(event.getBuildId());
    return (RunImageReady) result.outputs().get(0).value();
  }

  @Test
  void extendsTheSwitchedRunImageAndPushesItsLayerBlobsAndConfigToTheTargetRepository() throws IOException {
    BuildDetected event = builds.targeting(sample, "extends");
    assertThat(event.getRunImage().getSwitched()).isTrue();
    assertThat(event.getRunImage().getExtended()).isTrue();

    RunImageReady ready = ready(event);

    assertThat(ready.getEventId()).isEqualTo(EventIds.of("run-1", "run.ready", 1));
    assertThat(ready.getOccurredAt()).isEqualTo(context.clock().instant());
    assertThat(ready.getSpec()).isEqualTo(event.getSpec());
    assertThat(ready.getExtended()).isTrue();
    assertThat(ready.getRunImage()).isEqualTo(event.getRunImage().getReference());
    assertThat(ready.getRunImageName()).isEqualTo(event.getRunImage().getName());
    assertThat(ready.getRunToml()).isEqualTo(event.getRunToml()).isNotEmpty();
    ImageRef repository = ImageRef.parse(ready.getRepository());
    // COPY motd, COPY show-motd, RUN chown: one layer each
    assertThat(ready.getExtensionLayers()).extracting(LayerDescriptor::getId)
        .containsExactly("extension:0", "extension:1", "extension:2");
    assertThat(ready.getExtensionLayers()).allSatisfy(l ->
        assertThat(builds.store.hasBlob(repository, Digest.parse(l.getDigest()))).as(l.getId()).isTrue());
    assertThat(text(repository, ready.getExtensionLayers().get(0).getDigest())).contains("motd v2: built with cnbfarm");
    Digest config = Digest.parse(ready.getExtendedConfigDigest());
    assertThat(builds.store.hasBlob(repository, config)).isTrue();
    ImageConfig extended = ImageConfig.parse(bytes(repository, config));
    assertThat(extended.diffIds().subList(extended.diffIds().size() - 3, extended.diffIds().size()))
        .containsExactlyElementsOf(ready.getExtensionLayers().stream().map(l -> Digest.parse(l.getDiffId())).toList());
    assertThat(extended.labels()).containsEntry("io.buildpacks.rebasable", "true");
    assertThat(ready.getRebasable()).isTrue();
    assertThat(ready.getRunsExecuted()).isEqualTo(1);
    assertThat(workDirs()).isEmpty();
  }

  @Test
  void aRunImageWithoutRunDockerfilesPassesThroughByDigest() {
    BuildDetected event = builds.targeting(plain, "plain");
    assertThat(event.getRunImage().getExtended()).isFalse();

    RunImageReady ready = ready(event);

    assertThat(ready.getExtended()).isFalse();
    assertThat(ready.getRunImage()).isEqualTo(event.getRunImage().getReference()).contains("@sha256:");
    assertThat(ready.getRunImageName()).isEqualTo(builds.images.run().withoutDigest().toString());
    assertThat(ready.getExtensionLayers()).isEmpty();
    assertThat(ready.getExtendedConfigDigest()).isNull();
    assertThat(ready.getRebasable()).isTrue();
    assertThat(ready.getRunsExecuted()).isZero();
    assertThat(shared.resolve("targets/plain")).doesNotExist();
  }

  @Test
  void aPassedThroughRunImageIsRebasableAsItsLabelSays() {
    BuildDetected event = builds.withRunImageLabel(builds.targeting(plain, "plain-label"), "false");

    assertThat(ready(event).getRebasable()).isFalse();
  }

  @Test
  void anExtendedRunImageWhoseGeneratedTreeHasNoRunDockerfileIsPassedThroughWithAWarning() {
    // the run-tiny switch is a run.Dockerfile too: a tree without any is an inconsistent event
    BuildDetected event = builds.withGenerated(builds.targeting(sample, "no-run-dockerfile"), dir -> {
      Files.delete(dir.resolve("samples_motd/run.Dockerfile"));
      Files.delete(dir.resolve("samples_run-tiny/run.Dockerfile"));
    });

    RunImageReady ready = ready(event);

    assertThat(ready.getExtended()).isFalse();
    assertThat(ready.getRunImage()).isEqualTo(event.getRunImage().getReference());
    assertThat(ready.getExtensionLayers()).isEmpty();
    assertThat(context.log().warnLines()).anyMatch(l -> l.contains("has no run.Dockerfile"));
    assertThat(workDirs()).isEmpty();
  }

  @Test
  void theSameEventTwiceGivesEqualEventsWithTheRunStepFromTheCache() {
    BuildDetected event = builds.targeting(sample, "twice");

    RunImageReady first = ready(event);
    RunImageReady second = ready(event);

    assertThat(first.getRunsExecuted()).isEqualTo(1);
    assertThat(second.getRunsExecuted()).isZero();
    assertThat(RunImageReady.newBuilder(second).setRunsExecuted(first.getRunsExecuted()).build()).isEqualTo(first);
  }

  @Test
  void extensionLayersAreReproducibleWithoutTheLayerCache() {
    BuildDetected event = builds.targeting(sample, "reproducible");
    RunImageReady first = ready(event);

    try (LocalCache other = LocalCache.open(tmp.resolve("other-cache"), Map.of())) {
      RunImageReady second = ready(event, other);

      assertThat(second.getRunsExecuted()).isEqualTo(1);
      assertThat(second.getExtensionLayers()).isEqualTo(first.getExtensionLayers());
      assertThat(second.getExtendedConfigDigest()).isEqualTo(first.getExtendedConfigDigest());
    }
  }

  @Test
  void anUnparsableRunDockerfileIsExitOneHundredTwoNamingTheDockerfile() {
    BuildDetected event = builds.withGenerated(builds.targeting(sample, "invalid"), dir -> Files.writeString(
        dir.resolve("samples_motd/run.Dockerfile"), "ARG base_image\nFROM ${base_image}\nFROBNICATE /x\n"));

    assertThatThrownBy(() -> ready(event)).isInstanceOf(LifecycleException.class)
        .hasMessage("<generated>/samples_motd/run.Dockerfile: dockerfile parse error on line 3: unknown instruction: FROBNICATE")
        .extracting(e -> ((LifecycleException) e).code()).isEqualTo(FailureCode.EXTEND_ERROR);
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

  private static byte[] bytes(ImageRef repository, Digest digest) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    builds.store.pullBlob(repository, digest, out);
    return out.toByteArray();
  }

  private static String text(ImageRef repository, String digest) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes(repository, Digest.parse(digest))))) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
