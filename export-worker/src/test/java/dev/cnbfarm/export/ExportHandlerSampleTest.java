package dev.cnbfarm.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.engine.PlatformDirectory;
import dev.cnbfarm.engine.detect.DetectSettings;
import dev.cnbfarm.engine.detect.DetectorPhase;
import dev.cnbfarm.engine.extend.ExtendWorkspace;
import dev.cnbfarm.engine.extend.ExtenderPhase;
import dev.cnbfarm.engine.testing.SampleImages;
import dev.cnbfarm.engine.testing.TestInputs;
import dev.cnbfarm.image.dockerfile.SparseLayout;
import dev.cnbfarm.image.export.BuildPublisher;
import dev.cnbfarm.image.export.ExportRequest;
import dev.cnbfarm.image.export.Exporter;
import dev.cnbfarm.image.export.PublishRequest;
import dev.cnbfarm.image.export.PublishedBuild;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.detect.DetectOutcome;
import dev.cnbfarm.lifecycle.exec.ProcessBinaryRunner;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import dev.cnbfarm.lifecycle.report.Reporter;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.handler.HandlerResult;
import dev.cnbfarm.schemas.BuildBuilt;
import dev.cnbfarm.schemas.BuildExported;
import dev.cnbfarm.schemas.BuildSpec;
import dev.cnbfarm.schemas.RunImageReady;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export worker against the phase-by-phase path on the sample of {@code samples/demo}: the
 * detector, {@code extender -kind build} and {@code -kind run} run in-process once (real sandbox
 * and overlayfs: needs root, busybox-static and bubblewrap), then the build is published, and the
 * app image exported once by {@link Exporter#export(ExportRequest, PublishedBuild)} and once by the
 * handler from the {@code built} and {@code run.ready} events of the same outputs (the extension
 * blobs and config pushed to the target repository as the run role does). Both must give one digest.
 */
class ExportHandlerSampleTest {
  @TempDir static Path tmp;
  static final OciLayoutImageStore store = new OciLayoutImageStore();
  static SampleImages images;
  static Path samples;
  static Path layers;
  static Path app;
  static PlatformDirectory files;
  static SparseLayout sparse;
  static PublishedBuild published;
  static ExportRequest request;

  @BeforeAll
  static void runThePhases() throws IOException {
    samples = SampleImages.repoRoot().resolve("samples");
    images = SampleImages.write(store, name -> ImageRef.parse("oci:" + tmp.resolve("images") + ":" + name), tmp);
    app = copy(images.app(), tmp.resolve("app"));
    layers = Files.createDirectories(tmp.resolve("layers"));
    Path env = Files.createDirectories(tmp.resolve("platform/env"));
    copy(samples.resolve("platform/env"), env);
    Files.writeString(env.resolve("SAMPLES_RUN_TINY"), images.runTiny().toString());
    Files.writeString(layers.resolve("analyzed.toml"), "[run-image]\nimage = \"" + images.run() + "\"\nreference = \""
        + images.run() + "\"\n[run-image.target]\nos = \"linux\"\narch = \"amd64\"\n\n[build-image]\nreference = \""
        + images.build() + "\"\n");

    TestInputs detect = inputs(Map.of("buildpacks", samples.resolve("builder/buildpacks").toString(),
        "extensions", samples.resolve("builder/extensions").toString(),
        "order", samples.resolve("builder/order.toml").toString(), "run", samples.resolve("builder/run.toml").toString()));
    DetectOutcome detected = new DetectorPhase(new ProcessBinaryRunner(), detect.files(), Reporter.NONE,
        new DetectSettings(4, Duration.ofMinutes(1))).run(detect.detect()).outcome();
    assertThat(detected).isInstanceOf(DetectOutcome.Detected.class);
    ExtendWorkspace workspace = new ExtendWorkspace(tmp.resolve("workspace"));
    inputs(Map.of("kind", "build", "buildpacks", samples.resolve("builder/buildpacks").toString(), "uid", "1000",
        "gid", "1000")).runExtender(store, workspace, Reporter.NONE, Duration.ofMinutes(2));
    ExtenderPhase.Outcome run = inputs(Map.of("kind", "run")).runExtender(store, workspace, Reporter.NONE,
        Duration.ofMinutes(2));
    sparse = run.layout().orElseThrow();
    files = detect.files();

    request = exportRequest(files.readAnalyzed(), target("a"));
    published = new BuildPublisher(store, Reporter.NONE).publish(PublishRequest.of(request));
  }

  static TestInputs inputs(Map<String, String> more) {
    Map<String, String> flags = new HashMap<>(Map.of("app", app.toString(), "layers", layers.toString(),
        "platform", tmp.resolve("platform").toString()));
    flags.putAll(more);
    return TestInputs.of(flags, Map.of("PATH", "/usr/bin:/bin"), ApiVersion.parse("0.13"));
  }

  static ImageRef target(String tag) {
    return ImageRef.parse("oci:" + tmp.resolve("out") + ":" + tag);
  }

  static ExportRequest exportRequest(Analyzed analyzed, ImageRef target) {
    return new ExportRequest(layers, app, tmp.resolve("no-launcher"), layers.resolve("project-metadata.toml"),
        files.extendedDir(), analyzed, files.readGroup(), RunMetadata.read(samples.resolve("builder/run.toml")),
        new BuildMetadataLabel.Launcher("", "", ""), List.of(target), 1000, 1000, "0.13");
  }

  static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES,
            StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return to;
  }

  static Image runImageOf(Analyzed analyzed) {
    return store.read(ImageRef.parse(analyzed.runImageReference().or(analyzed::runImageName).orElseThrow()));
  }

  /** The pair of events the extend worker's roles write for this build, the app image going to {@code target}. */
  static BuildBuilt built(BuildSpec spec) {
    return JoinedEvents.built(spec, 1, published, files.readGroup());
  }

  static RunImageReady extendedReady(BuildSpec spec) throws IOException {
    Analyzed analyzed = files.readAnalyzed();
    Image base = runImageOf(analyzed);
    JoinedEvents.Extension extension = JoinedEvents.pushExtension(store, sparse, base,
        ImageRef.parse(spec.getTargetImage()));
    return JoinedEvents.ready(spec, 1, base, analyzed.runImageName().orElseThrow(),
        Files.readString(samples.resolve("builder/run.toml")), Optional.of(extension));
  }

  static BuildExported exported(HandlerResult result) {
    assertThat(result.outputs()).hasSize(1);
    assertThat(result.outputs().get(0).topic()).isEqualTo(Topic.EXPORTED);
    assertThat(result.outputs().get(0).key()).isEqualTo(JoinedEvents.BUILD);
    return (BuildExported) result.outputs().get(0).value();
  }

  @Test
  void anExtendedRunImageExportsToTheDigestOfThePhaseByPhasePath() throws IOException {
    Analyzed analyzed = files.readAnalyzed();
    assertThat(analyzed.runImageExtend()).isTrue();
    Digest phases = new Exporter(store, Reporter.NONE).export(request, published).digest();
    BuildSpec spec = JoinedEvents.spec(target("b"), List.of());

    BuildExported event = exported(new ExportHandler(store).handle(built(spec), extendedReady(spec),
        new JoinedEvents.Context()));

    assertThat(event.getImageDigest()).isEqualTo(phases.value());
    assertThat(store.read(target("b")).manifestDigest()).isEqualTo(phases);
    assertThat(event.getImage()).isEqualTo(target("b").withDigest(phases).toString());
    assertThat(event.getRunImage()).isEqualTo(runImageOf(analyzed).pinnedRef().toString());
    Image image = store.read(target("b"));
    assertThat(image.manifest().layers()).hasSize(sparse.manifest().layers().size() + published.layers().size());
    assertThat(image.config().env()).anyMatch(e -> e.startsWith("PATH=") && e.contains("/opt/motd/bin"));
  }

  @Test
  void aRunImageNotExtendedExportsToTheDigestOfThePhaseByPhasePath() {
    ImageRef run = images.run();
    Analyzed plain = Analyzed.parse("[run-image]\nimage = \"" + run + "\"\nreference = \"" + run + "\"\n", "analyzed");
    Digest phases = new Exporter(store, Reporter.NONE).export(exportRequest(plain, target("c")), published).digest();
    BuildSpec spec = JoinedEvents.spec(target("d"), List.of());
    RunImageReady ready = JoinedEvents.ready(spec, 1, store.read(run), run.toString(),
        "[[images]]\nimage = \"127.0.0.1:5000/samples/run:bookworm\"\n", Optional.empty());

    BuildExported event = exported(new ExportHandler(store).handle(built(spec), ready, new JoinedEvents.Context()));

    assertThat(event.getImageDigest()).isEqualTo(phases.value());
    assertThat(store.read(target("d")).config().labels()).containsEntry("io.buildpacks.rebasable", "true");
  }

  @Test
  void theSamePairTwiceWritesTheSameDigestAndAnEqualEvent() throws IOException {
    BuildSpec spec = JoinedEvents.spec(target("twice"), List.of(target("twice-too").toString()));
    BuildBuilt built = built(spec);
    RunImageReady ready = extendedReady(spec);
    ExportHandler handler = new ExportHandler(store);

    HandlerResult first = handler.handle(built, ready, new JoinedEvents.Context());
    HandlerResult second = handler.handle(built, ready, new JoinedEvents.Context());

    assertThat(second).isEqualTo(first);
    assertThat(store.read(target("twice-too")).manifestDigest().value()).isEqualTo(exported(second).getImageDigest());
  }
}
