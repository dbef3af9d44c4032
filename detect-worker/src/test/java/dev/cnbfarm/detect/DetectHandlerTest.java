package dev.cnbfarm.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.engine.detect.DetectSettings;
import dev.cnbfarm.engine.extend.ExtendWorkspace;
import dev.cnbfarm.engine.testing.SampleImages;
import dev.cnbfarm.image.blob.TreeBlobs;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.runtime.EventIds;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.handler.HandlerResult;
import dev.cnbfarm.schemas.AppliedDockerfile;
import dev.cnbfarm.schemas.BuildDetected;
import dev.cnbfarm.schemas.BuildRequested;
import dev.cnbfarm.schemas.DockerfileKind;
import dev.cnbfarm.schemas.GroupModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detect handler over the sample images in an {@code oci:} layout, with the real sandbox and
 * overlay mounts (we are root): the sample builder's group, Dockerfiles and run-image switch; proof
 * that detect runs in the builder's rootfs as its CNB user with the app source; idempotence; and
 * the failures.
 */
class DetectHandlerTest {
  @TempDir static Path shared;
  @TempDir Path tmp;

  private static final OciLayoutImageStore STORE = new OciLayoutImageStore();
  private static SampleImages images;
  private static ImageRef source;
  private static String sampleApp;
  private static ExtendWorkspace workspace;

  private Path workRoot;

  @BeforeAll
  static void writeImages() throws IOException {
    images = SampleImages.write(STORE, name -> ImageRef.parse("oci:" + shared.resolve("images") + ":" + name),
        shared);
    source = ImageRef.parse("oci:" + shared.resolve("images") + ":app");
    sampleApp = new TreeBlobs(STORE, shared.resolve("blobs")).push(source, images.app()).digest().toString();
    workspace = new ExtendWorkspace(shared.resolve("cache"));
  }

  private DetectHandler handler() {
    workRoot = tmp.resolve("work");
    return new DetectHandler(STORE, workspace, workRoot, new DetectSettings(4, Duration.ofMinutes(1)));
  }

  private static BuildRequested sampleRequest(String buildId) {
    return Requests.of(buildId, images.builder().withoutDigest().toString(), source.toString(), sampleApp,
        images.run().withoutDigest().toString(), Map.of("SAMPLES_RUN_TINY", images.runTiny().withoutDigest().toString()));
  }

  private static BuildDetected only(HandlerResult result) {
    assertThat(result.outputs()).singleElement().satisfies(o -> {
      assertThat(o.topic()).isEqualTo(Topic.DETECTED);
      assertThat(o.key()).isEqualTo("b-1");
    });
    return (BuildDetected) result.outputs().get(0).value();
  }

  @AfterEach
  void leavesNoWorkDirAndNothingMounted() throws IOException {
    if (workRoot == null) {
      return;
    }
    Path builds = workRoot.resolve("builds");
    if (Files.isDirectory(builds)) {
      try (Stream<Path> left = Files.list(builds)) {
        assertThat(left).as("per-build work dirs left behind").isEmpty();
      }
    }
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(workRoot.toString());
  }

  @Test
  void detectsTheSampleGroupWithABuildAndARunDockerfileAndTheSwitchedRunImage() {
    BuildRequested request = sampleRequest("b-1");

    BuildDetected detected = only(handler().handle(request, new TestContext()));

    assertThat(detected.getEventId()).isEqualTo(EventIds.of("b-1", "detected", 1));
    assertThat(detected.getAttempt()).isEqualTo(1);
    assertThat(detected.getProducer()).isEqualTo("detect-test-1");
    assertThat(detected.getOccurredAt()).isEqualTo(TestContext.NOW);
    assertThat(detected.getSpec()).isEqualTo(request.getSpec());
    assertThat(detected.getBuilderImage()).isEqualTo(STORE.read(images.builder()).pinnedRef().toString())
        .contains("@sha256:");
    assertThat(detected.getGroup()).extracting(GroupModule::getId, GroupModule::getExtension).containsExactly(
        org.assertj.core.groups.Tuple.tuple("samples/hello-extensions", false),
        org.assertj.core.groups.Tuple.tuple("samples/run-tiny", true),
        org.assertj.core.groups.Tuple.tuple("samples/hello-tool", true),
        org.assertj.core.groups.Tuple.tuple("samples/motd", true));
    assertThat(detected.getDockerfiles()).extracting(AppliedDockerfile::getExtensionId, AppliedDockerfile::getKind)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("samples/hello-tool", DockerfileKind.BUILD),
            org.assertj.core.groups.Tuple.tuple("samples/run-tiny", DockerfileKind.RUN),
            org.assertj.core.groups.Tuple.tuple("samples/motd", DockerfileKind.RUN));
    AppliedDockerfile build = detected.getDockerfiles().get(0);
    assertThat(detected.getDockerfiles().get(1).getText())
        .isEqualTo("FROM " + images.runTiny().withoutDigest() + "\n");
    AppliedDockerfile run = detected.getDockerfiles().get(2);
    assertThat(build.getText()).contains("/usr/local/bin/hello-tool");
    assertThat(build.getContextDigest()).isNull();
    assertThat(run.getText()).contains("COPY motd /opt/motd/motd");
    assertThat(run.getArgs()).containsEntry("MOTD_OWNER", "1000:1000");
    assertThat(run.getContextDigest()).startsWith("sha256:");
    assertThat(detected.getRunImage().getSwitched()).isTrue();
    assertThat(detected.getRunImage().getName()).isEqualTo(images.runTiny().withoutDigest().toString());
    assertThat(detected.getRunImage().getReference()).isEqualTo(images.runTiny().toString());
    assertThat(detected.getRunImage().getExtended()).isTrue();
    assertThat(detected.getBuildUid()).isEqualTo(1000);
    assertThat(detected.getBuildGid()).isEqualTo(1000);
    assertThat(detected.getPlanToml()).as("extensions met every requirement").isEqualTo("entries = []\n");
    assertThat(detected.getAnalyzedToml()).contains("extend = true").contains(images.runTiny().withoutDigest().toString())
        .contains("[build-image]");
    assertThat(detected.getRunToml()).contains("127.0.0.1:5000/samples/run:bookworm");
  }

  @Test
  void storesTheGeneratedTreeAsABlobThatUnpacksToIt() throws IOException {
    BuildDetected detected = only(handler().handle(sampleRequest("b-1"), new TestContext()));

    Path unpacked = tmp.resolve("generated");
    new TreeBlobs(STORE, tmp.resolve("blobs")).pull(source, Digest.parse(detected.getGeneratedDigest()), unpacked);

    assertThat(unpacked.resolve("samples_hello-tool/build.Dockerfile")).content()
        .isEqualTo(detected.getDockerfiles().get(0).getText());
    assertThat(unpacked.resolve("samples_motd/run.Dockerfile")).content()
        .isEqualTo(detected.getDockerfiles().get(2).getText());
    assertThat(unpacked.resolve("samples_run-tiny/run.Dockerfile")).content()
        .isEqualTo(detected.getDockerfiles().get(1).getText());
    assertThat(unpacked.resolve("samples_motd/context.run/motd")).as("generate read its plan")
        .hasContent("motd v2: built with cnbfarm");
    assertThat(new TreeBlobs(STORE, tmp.resolve("blobs")).diffIdOf(unpacked.resolve("samples_motd/context.run")))
        .hasToString(detected.getDockerfiles().get(2).getContextDigest());
  }

  @Test
  void aPreviousImageThatExistsIsPinnedIntoAnalyzedTomlsImageTableAndAMissingOneIsNoError() {
    BuildRequested request = sampleRequest("b-1");
    request.getSpec().setPreviousImage(images.run().withoutDigest().toString());

    BuildDetected detected = only(handler().handle(request, new TestContext()));

    Analyzed analyzed = Analyzed.parse(detected.getAnalyzedToml(), "analyzed.toml");
    assertThat(analyzed.previousImageReference()).contains(STORE.read(images.run()).pinnedRef().toString());

    BuildRequested missing = sampleRequest("b-1");
    missing.getSpec().setPreviousImage(images.run().withoutDigest() + "-gone");
    BuildDetected none = only(handler().handle(missing, new TestContext()));
    assertThat(Analyzed.parse(none.getAnalyzedToml(), "analyzed.toml").previousImageReference()).isEmpty();
  }

  @Test
  void handlingTheSameEventTwiceGivesEqualOutputs() {
    DetectHandler handler = handler();
    BuildRequested request = sampleRequest("b-1");

    HandlerResult first = handler.handle(request, new TestContext());
    HandlerResult second = handler.handle(request, new TestContext());

    assertThat(second).isEqualTo(first);
  }

  @Test
  void runsDetectInTheBuilderRootfsAsItsCnbUserWithTheAppSource() throws IOException {
    ImageRef builder = FixtureBuilder.write(STORE, ImageRef.parse("oci:" + tmp.resolve("images") + ":probe"),
        images.build(), images.run(), "test/probe", """
            cat >> "$CNB_BUILD_PLAN_PATH" <<TOML
            [[provides]]
            name = "probe"
            [[requires]]
            name = "probe"
            [requires.metadata]
            uid = "$(id -u)"
            gid = "$(id -g)"
            motd = "$(cat /etc/motd)"
            app = "$(cat hello.txt)"
            pwd = "$(pwd)"
            TOML""", tmp);
    Path app = Files.createDirectories(tmp.resolve("app"));
    Files.writeString(app.resolve("hello.txt"), "hello from the app source");
    String digest = new TreeBlobs(STORE, tmp.resolve("blobs")).push(source, app).digest().toString();

    BuildDetected detected = only(handler().handle(Requests.of("b-1", builder.toString(), source.toString(), digest,
        null, Map.of()), new TestContext()));

    assertThat(detected.getPlanToml()).contains("uid = \"1000\"").contains("gid = \"1000\"")
        .contains("motd = \"cnbfarm sample builder\"").contains("app = \"hello from the app source\"")
        .contains("pwd = \"/workspace\"");
    assertThat(detected.getGeneratedDigest()).isNull();
    assertThat(detected.getDockerfiles()).isEmpty();
    assertThat(detected.getRunImage().getSwitched()).isFalse();
    assertThat(detected.getRunImage().getName()).isEqualTo(images.run().withoutDigest().toString());
    assertThat(detected.getRunImage().getReference()).isEqualTo(images.run().toString());
    assertThat(detected.getAnalyzedToml()).contains("os = \"linux\"").contains("arch = \"amd64\"")
        .contains(images.run().toString());
  }

  @Test
  void aBuilderWhoseOnlyBuildpackFailsDetectionFailsWithExit20() throws IOException {
    ImageRef builder = FixtureBuilder.write(STORE, ImageRef.parse("oci:" + tmp.resolve("images") + ":fails"),
        images.build(), images.run(), "test/fails", "echo 'not my kind of app'\nexit 100", tmp);
    TestContext context = new TestContext();

    assertThatThrownBy(() -> handler().handle(Requests.of("b-1", builder.toString(), source.toString(), sampleApp,
        null, Map.of()), context))
        .isInstanceOfSatisfying(LifecycleException.class, e -> {
          assertThat(e.code()).isEqualTo(FailureCode.DETECT_FAILED);
          assertThat(e.code().exitCode()).isEqualTo(20);
          assertThat(e.category()).isEqualTo(Category.OUTCOME);
          assertThat(e.getMessage()).contains("No buildpack groups passed detection");
        });
    assertThat(context.lines()).anyMatch(l -> l.contains("not my kind of app"));
  }

  @Test
  void aBuilderWhoseOnlyBuildpackErrorsInDetectFailsWithExit21() throws IOException {
    ImageRef builder = FixtureBuilder.write(STORE, ImageRef.parse("oci:" + tmp.resolve("images") + ":errors"),
        images.build(), images.run(), "test/errors", "echo 'detect broke' >&2\nexit 3", tmp);

    assertThatThrownBy(() -> handler().handle(Requests.of("b-1", builder.toString(), source.toString(), sampleApp,
        null, Map.of()), new TestContext()))
        .isInstanceOfSatisfying(LifecycleException.class, e -> {
          assertThat(e.code()).isEqualTo(FailureCode.DETECT_ERRORED);
          assertThat(e.code().exitCode()).isEqualTo(21);
          assertThat(e.getMessage()).contains("failed with an error");
        });
  }

  @Test
  void aFailingGenerateKeepsItsExit91() throws IOException {
    ImageRef builder = FixtureBuilder.write(STORE, ImageRef.parse("oci:" + tmp.resolve("images") + ":generate-fails"),
        images.build(), images.run(), "test/gen", "exit 0", "echo 'generate broke as' $(id -u)\nexit 1", tmp);
    TestContext context = new TestContext();

    assertThatThrownBy(() -> handler().handle(Requests.of("b-1", builder.toString(), source.toString(), sampleApp,
        null, Map.of()), context))
        .isInstanceOfSatisfying(LifecycleException.class, e -> {
          assertThat(e.code()).isEqualTo(FailureCode.GENERATE_FAILED);
          assertThat(e.code().exitCode()).isEqualTo(91);
        });
    assertThat(context.lines()).anyMatch(l -> l.contains("generate broke as 1000"));
  }

  @Test
  void sweepsPerBuildDirsAKilledWorkerLeftWhenItStarts() throws IOException {
    Path stale = Files.createDirectories(tmp.resolve("work/builds/build-123/workspace"));

    handler();

    assertThat(stale).doesNotExist();
  }

  @Test
  void aMissingSourceBlobIsAClearUserFailure() {
    String missing = Digest.of("no such source".getBytes()).toString();

    assertThatThrownBy(() -> handler().handle(Requests.of("b-1", images.builder().toString(), source.toString(),
        missing, images.run().toString(), Map.of()), new TestContext()))
        .isInstanceOfSatisfying(LifecycleException.class, e -> {
          assertThat(e.category()).isEqualTo(Category.USER);
          assertThat(e.getMessage()).contains("the app source " + missing + " is not in " + source);
        });
  }

  @Test
  void aNonBuilderImageIsAUserFailureNamingTheImage() {
    String notABuilder = images.run().withoutDigest().toString();

    assertThatThrownBy(() -> handler().handle(Requests.of("b-1", notABuilder, source.toString(), sampleApp,
        null, Map.of()), new TestContext()))
        .isInstanceOfSatisfying(LifecycleException.class, e -> {
          assertThat(e.category()).isEqualTo(Category.USER);
          assertThat(e.getMessage()).contains(notABuilder).contains("is not a builder");
        });
  }

  @Test
  void anEnvNameThatIsNoFileNameIsAUserFailure() {
    assertThatThrownBy(() -> handler().handle(Requests.of("b-1", images.builder().toString(), source.toString(),
        sampleApp, images.run().toString(), Map.of("../escape", "x")), new TestContext()))
        .isInstanceOfSatisfying(LifecycleException.class, e -> {
          assertThat(e.category()).isEqualTo(Category.USER);
          assertThat(e.getMessage()).contains("'../escape'");
        });
  }

  @Test
  void keepsTheExtractedBuilderTreeButNoPerBuildDir() {
    only(handler().handle(sampleRequest("b-1"), new TestContext()));

    assertThat(workRoot.resolve("builders")).isDirectoryContaining(p -> Files.isDirectory(p.resolve("cnb")));
    // and @AfterEach checks builds/ is empty and nothing is mounted, after every test, failing ones too
  }
}
