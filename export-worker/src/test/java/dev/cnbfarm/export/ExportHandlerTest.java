package dev.cnbfarm.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.export.PublishedBuild;
import dev.cnbfarm.image.export.PublishedLayer;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.testing.FakeImageStore;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.runtime.EventIds;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.handler.HandlerResult;
import dev.cnbfarm.schemas.BuildBuilt;
import dev.cnbfarm.schemas.BuildExported;
import dev.cnbfarm.schemas.BuildSpec;
import dev.cnbfarm.schemas.RunImageReady;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export handler over a fake image store (in memory, scripted failures, recorded calls):
 * Given a build published to the target repository and a run image, When the joined pair is
 * handled, Then the app image is written to every reference and one {@code exported} event says
 * so, or the failure carries {@link FailureCode#EXPORT_ERROR} and the right category.
 */
class ExportHandlerTest {
  static final ImageRef TARGET = ImageRef.parse("registry.example/app:1");
  static final String RUN_TOML = "[[images]]\nimage = \"registry.example/run:1\"\n";
  @TempDir Path tmp;
  FakeImageStore store;
  Image run;
  PublishedBuild build;
  Group group;

  @BeforeEach
  void publishedBuildAndRunImage() {
    store = new FakeImageStore();
    run = store.add(ImageRef.parse("registry.example/run:1"), tmp, Map.of("etc/motd", "hello"));
    PublishedLayer web = blob("bp/a:web");
    BuildMetadataLabel label = new BuildMetadataLabel(List.of(new BuildMetadataLabel.Module("bp/a", "1", "", "")),
        List.of(), List.of(new BuildMetadataLabel.Process("web", List.of("serve"), List.of(), true, "bp/a")),
        new BuildMetadataLabel.Launcher("0.1.0", "https://example.org/launcher", "abc"), List.of());
    build = new PublishedBuild(TARGET, List.of(web), List.of(new LifecycleMetadata.BuildpackLayers("bp/a", "1",
        Map.of("web", new LifecycleMetadata.LayerMetadata(web.diffId().value(), Map.of(), false, true, false)))),
        blob("app"), blob("launcher"), blob("config"), label, "{}");
    group = new Group(List.of(new GroupEntry("bp/a", "1", "0.10", "")), List.of(new GroupEntry("ext/a", "1", "0.10", "")));
  }

  /** A layer blob the build side published to the target repository. */
  PublishedLayer blob(String id) {
    byte[] content = ("layer " + id).getBytes(StandardCharsets.UTF_8);
    store.pushBlob(TARGET, content);
    return new PublishedLayer(id, Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.of(content), content.length),
        Digest.of(("diff " + id).getBytes(StandardCharsets.UTF_8)), BlobPush.Outcome.UPLOADED);
  }

  /** One extension layer and the extended config, pushed to the target repository as the run role does. */
  JoinedEvents.Extension extension() {
    byte[] layer = "extension layer".getBytes(StandardCharsets.UTF_8);
    store.pushBlob(TARGET, layer);
    Digest diffId = Digest.of("diff extension".getBytes(StandardCharsets.UTF_8));
    byte[] config = run.config().withLayer(diffId, new ImageConfig.History("", "RUN echo", "", false))
        .withLabels(Map.of()).toJson();
    store.pushBlob(TARGET, config);
    return new JoinedEvents.Extension(TARGET, List.of(JoinedEvents.layer("extension:0",
        Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.of(layer), layer.length), diffId)), Digest.of(config));
  }

  BuildSpec spec(String... tags) {
    return JoinedEvents.spec(TARGET, List.of(tags));
  }

  BuildBuilt built(BuildSpec spec, int attempt) {
    return JoinedEvents.built(spec, attempt, build, group);
  }

  RunImageReady ready(BuildSpec spec, Optional<JoinedEvents.Extension> extension) {
    return JoinedEvents.ready(spec, 1, run, "registry.example/run:1", RUN_TOML, extension);
  }

  HandlerResult handle(BuildBuilt built, RunImageReady ready) {
    return new ExportHandler(store).handle(built, ready, new JoinedEvents.Context());
  }

  static BuildExported exported(HandlerResult result) {
    assertThat(result.outputs()).hasSize(1);
    assertThat(result.outputs().get(0).topic()).isEqualTo(Topic.EXPORTED);
    return (BuildExported) result.outputs().get(0).value();
  }

  static void failsWith(ThrowingCallable call, Category category, String message) {
    assertThatThrownBy(call).isInstanceOfSatisfying(LifecycleException.class, e -> {
      assertThat(e.code()).isEqualTo(FailureCode.EXPORT_ERROR);
      assertThat(e.code().exitCode()).isEqualTo(62);
      assertThat(e.category()).isEqualTo(category);
    }).hasMessageContaining(message);
  }

  @Test
  void writesTheTargetAndEveryTagAndOneEventListingThemAll() {
    BuildSpec spec = spec("registry.example/app:latest", "registry.example/mirror/app:1", TARGET.toString());

    BuildExported event = exported(handle(built(spec, 1), ready(spec, Optional.empty())));

    assertThat(event.getTags()).containsExactly("registry.example/app:1", "registry.example/app:latest",
        "registry.example/mirror/app:1");
    for (String tag : event.getTags()) {
      assertThat(store.read(ImageRef.parse(tag)).manifestDigest().value()).isEqualTo(event.getImageDigest());
    }
    assertThat(event.getImage()).isEqualTo("registry.example/app:1@" + event.getImageDigest());
    assertThat(event.getEventId()).isEqualTo(EventIds.of(JoinedEvents.BUILD, "exported", 1));
    assertThat(event.getBuildId()).isEqualTo(JoinedEvents.BUILD);
    assertThat(event.getProducer()).isEqualTo("export-1");
    assertThat(event.getOccurredAt()).isEqualTo(JoinedEvents.NOW);
    assertThat(event.getRunImage()).isEqualTo(run.pinnedRef().toString());
  }

  @Test
  void anExtendedRunImageTakesItsLayersAndConfigFromTheBlobsTheRunRolePushedWithoutPullingALayer() {
    BuildSpec spec = spec();
    JoinedEvents.Extension extension = extension();

    BuildExported event = exported(handle(built(spec, 1), ready(spec, Optional.of(extension))));

    Image image = store.read(ImageRef.parse(event.getImage()));
    assertThat(image.manifest().layers()).extracting(Descriptor::digest).element(1)
        .isEqualTo(Digest.parse(extension.layers().get(0).getDigest()));
    assertThat(image.manifest().layers()).hasSize(1 + 1 + 4);
    assertThat(image.config().labels()).containsEntry("io.buildpacks.rebasable", "false");
    List<String> pulls = new ArrayList<>(store.calls());
    pulls.removeIf(c -> !c.startsWith("PULL_BLOB"));
    assertThat(pulls).containsExactly("PULL_BLOB " + extension.config().value());
  }

  @Test
  void theSamePairTwiceGivesTheSameDigestAndAnEqualEvent() {
    BuildSpec spec = spec("registry.example/app:latest");
    BuildBuilt built = built(spec, 1);
    RunImageReady ready = ready(spec, Optional.of(extension()));

    HandlerResult first = handle(built, ready);
    HandlerResult second = handle(built, ready);

    assertThat(second).isEqualTo(first);
  }

  @Test
  void aMissingRunImageIsAUserExportErrorNamingIt() {
    BuildSpec spec = spec();
    String missing = "registry.example/gone@" + Digest.of(new byte[] {1}).value();
    RunImageReady ready = JoinedEvents.ready(spec, 1, missing, "registry.example/gone", RUN_TOML, Optional.empty());

    failsWith(() -> handle(built(spec, 1), ready), Category.USER, "cannot read the run image " + missing);
  }

  @Test
  void anExtendedConfigAbsentFromTheRepositoryIsAUserExportErrorNamingIt() {
    BuildSpec spec = spec();
    JoinedEvents.Extension pushed = extension();
    Digest absent = Digest.of("a config nobody pushed".getBytes(StandardCharsets.UTF_8));
    JoinedEvents.Extension extension = new JoinedEvents.Extension(TARGET, pushed.layers(), absent);

    failsWith(() -> handle(built(spec, 1), ready(spec, Optional.of(extension))), Category.USER,
        "cannot read the extended run image config " + absent + " from " + TARGET);
  }

  @Test
  void anExtendedConfigLargerThanTheBoundIsRefused() {
    BuildSpec spec = spec();
    byte[] huge = new byte[ExportHandler.MAX_CONFIG_BYTES + 1];
    store.pushBlob(TARGET, huge);
    JoinedEvents.Extension extension = new JoinedEvents.Extension(TARGET, extension().layers(), Digest.of(huge));

    failsWith(() -> handle(built(spec, 1), ready(spec, Optional.of(extension))), Category.USER,
        "is larger than " + ExportHandler.MAX_CONFIG_BYTES + " bytes");
  }

  @Test
  void anAttemptMismatchIsRefusedAsAnInternalErrorBeforeAnyStoreCall() {
    BuildSpec spec = spec();
    List<String> before = store.calls();

    failsWith(() -> handle(built(spec, 2), ready(spec, Optional.empty())), Category.INTERNAL,
        "its built event is of attempt 2 and its run.ready event of attempt 1");
    assertThat(store.calls()).isEqualTo(before);
  }

  @Test
  void aRegistry503IsARetryableInfraExportError() {
    BuildSpec spec = spec();
    store.answering(FakeImageStore.Op.READ, 503);

    assertThatThrownBy(() -> handle(built(spec, 1), ready(spec, Optional.empty())))
        .isInstanceOfSatisfying(LifecycleException.class, e -> {
          assertThat(e.code()).isEqualTo(FailureCode.EXPORT_ERROR);
          assertThat(e.category()).isEqualTo(Category.INFRA);
          assertThat(e.retryable()).isTrue();
        });
  }

  @Test
  void a401OnTheTargetIsAUserExportError() {
    BuildSpec spec = spec();
    store.answering(FakeImageStore.Op.PUSH_MANIFEST, 401);

    failsWith(() -> handle(built(spec, 1), ready(spec, Optional.empty())), Category.USER, "denied (HTTP 401)");
  }

  @Test
  void aBuiltEventWithoutItsAppLayerIsRefusedAsAnInternalError() {
    BuildSpec spec = spec();
    BuildBuilt built = built(spec, 1);
    built.setLayers(built.getLayers().stream().filter(l -> !l.getId().equals("app")).toList());

    failsWith(() -> handle(built, ready(spec, Optional.empty())), Category.INTERNAL,
        "the built event of build b-1 lists no app layer");
  }
}
