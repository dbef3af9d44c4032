package dev.cnbfarm.extend;

import dev.cnbfarm.engine.PlatformDirectory;
import dev.cnbfarm.engine.builder.BuilderTree;
import dev.cnbfarm.engine.detect.DetectInputs;
import dev.cnbfarm.engine.detect.DetectResult;
import dev.cnbfarm.engine.detect.DetectSettings;
import dev.cnbfarm.engine.detect.DetectorPhase;
import dev.cnbfarm.engine.detect.GeneratedDockerfile;
import dev.cnbfarm.engine.extend.ExtendWorkspace;
import dev.cnbfarm.engine.testing.SampleImages;
import dev.cnbfarm.image.blob.TreeBlobs;
import dev.cnbfarm.image.builder.BuilderCreator;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageAssembly;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.builder.BuilderConfig;
import dev.cnbfarm.lifecycle.exec.ProcessBinaryRunner;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.report.Reporter;
import dev.cnbfarm.runtime.EventIds;
import dev.cnbfarm.schemas.AppliedDockerfile;
import dev.cnbfarm.schemas.BuildDetected;
import dev.cnbfarm.schemas.BuildSpec;
import dev.cnbfarm.schemas.DockerfileKind;
import dev.cnbfarm.schemas.GroupModule;
import dev.cnbfarm.schemas.RunImageChoice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Test fixture: detected events as the detect worker makes them, without depending on it (workers
 * never depend on each other): the sample images of {@code samples/demo} and a failing builder in
 * an {@code oci:} layout, the engine's detector phase run over the builder's {@code /cnb} on the
 * host (as {@code cnbfarm lifecycle detector} does), the app source and the {@code <generated>}
 * tree pushed as tree blobs, the builder and the run image pinned. Each event targets an app image
 * in a layout of its own, so a test sees exactly the blobs its handler pushed.
 */
final class DetectedBuilds {
  final OciLayoutImageStore store = new OciLayoutImageStore();
  final Path root;
  final SampleImages images;
  final ImageRef failingBuilder;
  final ImageRef sources;
  private final ExtendWorkspace workspace;

  private DetectedBuilds(Path root, SampleImages images, ImageRef failingBuilder) {
    this.root = root;
    this.images = images;
    this.failingBuilder = failingBuilder;
    this.sources = ImageRef.parse("oci:" + root.resolve("sources"));
    this.workspace = new ExtendWorkspace(root.resolve("fixture-cache"), Map.of());
  }

  /** Writes the images under {@code root}. */
  static DetectedBuilds write(Path root) throws IOException {
    OciLayoutImageStore store = new OciLayoutImageStore();
    SampleImages images = SampleImages.write(store, name -> ImageRef.parse("oci:" + root.resolve("images") + ":" + name),
        Files.createDirectories(root.resolve("samples")));
    Path fixture = copyFixture("failing-build", root.resolve("failing-build"));
    String toml = Files.readString(fixture.resolve("builder.toml")).replace("BUILD_IMAGE", images.build().toString())
        .replace("uri = \"", "uri = \"" + fixture + "/");
    Path builderToml = Files.writeString(root.resolve("failing-builder.toml"), toml);
    ImageRef failing = ImageRef.parse("oci:" + root.resolve("images") + ":failing-builder");
    new BuilderCreator(store, Files.createDirectories(root.resolve("failing-scratch")), "0.0.0-test")
        .create(BuilderConfig.read(builderToml), failing);
    return new DetectedBuilds(root, images, failing);
  }

  /** The sample app detected on the sample builder: three extensions, build and run image extended. */
  BuildDetected sample(String buildId) {
    return detect(buildId, images.builder());
  }

  /**
   * Detect and generate on {@code builder} for the sample app with the sample's platform env, the
   * sample run image as the run-image override, Platform API 0.13.
   */
  BuildDetected detect(String buildId, ImageRef builder) {
    try {
      Path dir = Files.createTempDirectory(Files.createDirectories(root.resolve("detect")), "detect-");
      Path app = copyTree(images.app(), dir.resolve("app"));
      Path layers = Files.createDirectories(dir.resolve("layers"));
      Path platform = Files.createDirectories(dir.resolve("platform/env"));
      images.env().forEach((k, v) -> write(platform.resolve(k), v));
      Image builderImage = store.read(builder);
      String pinnedBuilder = builderImage.pinnedRef().toString();
      BuilderTree tree = BuilderTree.of(workspace.loader(store).load(builderImage), builderImage.manifestDigest(),
          root.resolve("builders"));
      String runName = images.run().withoutDigest().toString();
      Files.writeString(layers.resolve("analyzed.toml"), "[run-image]\nimage = \"" + runName + "\"\n"
          + "reference = \"" + images.run() + "\"\n[run-image.target]\nos = \"linux\"\narch = \"amd64\"\n"
          + "[build-image]\nreference = \"" + pinnedBuilder + "\"\n");
      PlatformDirectory files = new PlatformDirectory(layers.resolve("group.toml"), layers.resolve("plan.toml"),
          layers.resolve("analyzed.toml"), layers.resolve("generated"), layers.resolve("extended"),
          layers.resolve("report.toml"));
      DetectResult result = new DetectorPhase(new ProcessBinaryRunner(), files, Reporter.NONE,
          new DetectSettings(2, Duration.ofMinutes(1))).run(new DetectInputs(ApiVersion.of(0, 13), app,
              tree.buildpacks(), tree.extensions(), tree.order(), dir.resolve("platform"), dir.resolve("build-config"),
              tree.runToml(), "", Map.of("PATH", "/usr/bin:/bin")));
      return event(buildId, builder, pinnedBuilder, tree, result, app, layers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private BuildDetected event(String buildId, ImageRef builder, String pinnedBuilder, BuilderTree tree,
      DetectResult result, Path app, Path layers) throws IOException {
    TreeBlobs trees = new TreeBlobs(store, root.resolve("tree-scratch"));
    Analyzed analyzed = Analyzed.read(layers.resolve("analyzed.toml"));
    String runName = analyzed.runImageName().or(analyzed::runImageReference).orElseThrow();
    Path generated = layers.resolve("generated");
    String generatedDigest = Files.isDirectory(generated) && !isEmpty(generated)
        ? trees.push(sources, generated).digest().value() : null;
    Map<String, String> env = new LinkedHashMap<>(images.env());
    BuildSpec spec = BuildSpec.newBuilder()
        .setBuilderImage(builder.toString())
        .setSourceRepository(sources.toString())
        .setSourceDigest(trees.push(sources, app).digest().value())
        .setTargetImage("oci:" + root.resolve("targets").resolve(buildId) + ":app")
        .setEnv(env)
        .setRunImage(images.run().withoutDigest().toString())
        .setRequestedBy("test")
        .build();
    List<GroupModule> group = new ArrayList<>();
    for (GroupEntry bp : result.group().orElseThrow().buildpacks()) {
      group.add(module(bp, false));
    }
    for (GroupEntry ext : result.group().orElseThrow().extensions()) {
      group.add(module(ext, true));
    }
    List<AppliedDockerfile> dockerfiles = new ArrayList<>();
    for (GeneratedDockerfile d : result.dockerfiles()) {
      Map<String, String> args = new LinkedHashMap<>();
      d.args().forEach(a -> args.put(a.name(), a.value()));
      dockerfiles.add(AppliedDockerfile.newBuilder().setExtensionId(d.extensionId())
          .setKind(DockerfileKind.valueOf(d.kind().name())).setText(d.text()).setArgs(args)
          .setContextDigest(d.context().equals(app) ? null : trees.diffIdOf(d.context()).value()).build());
    }
    return BuildDetected.newBuilder()
        .setEventId(EventIds.of(buildId, "detected", 1))
        .setBuildId(buildId)
        .setAttempt(1)
        .setOccurredAt(Instant.parse("2026-12-02T00:00:00Z"))
        .setProducer("detect-fixture")
        .setSpec(spec)
        .setBuilderImage(pinnedBuilder)
        .setGroup(group)
        .setPlanToml(Files.readString(layers.resolve("plan.toml")))
        .setAnalyzedToml(Files.readString(layers.resolve("analyzed.toml")))
        .setRunToml(Files.isRegularFile(tree.runToml()) ? Files.readString(tree.runToml()) : "")
        .setDockerfiles(dockerfiles)
        .setRunImage(RunImageChoice.newBuilder()
            .setReference(store.read(ImageRef.parse(runName)).pinnedRef().toString())
            .setName(runName)
            .setSwitched(result.generate().map(g -> g.runImage().switchTo().isPresent()).orElse(false))
            .setExtended(analyzed.runImageExtend())
            .build())
        .setBuildUid(tree.uid())
        .setBuildGid(tree.gid())
        .setGeneratedDigest(generatedDigest)
        .build();
  }

  /** The event with its {@code <generated>} tree changed by {@code edit} (pulled, edited, pushed again). */
  BuildDetected withGenerated(BuildDetected event, TreeEdit edit) {
    try {
      TreeBlobs trees = new TreeBlobs(store, root.resolve("tree-scratch"));
      Path dir = Files.createTempDirectory(Files.createDirectories(root.resolve("edits")), "generated-");
      trees.pull(sources, Digest.parse(event.getGeneratedDigest()), dir);
      edit.apply(dir);
      return BuildDetected.newBuilder(event).setGeneratedDigest(trees.push(sources, dir).digest().value()).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The event with another app image target (a fresh layout). */
  BuildDetected targeting(BuildDetected event, String name) {
    BuildSpec spec = BuildSpec.newBuilder(event.getSpec())
        .setTargetImage("oci:" + root.resolve("targets").resolve(name) + ":app").build();
    return BuildDetected.newBuilder(event).setSpec(spec).build();
  }

  /** A copy of the run image {@code event} passes through, with the rebasable label set to {@code value}. */
  BuildDetected withRunImageLabel(BuildDetected event, String value) {
    Image run = store.read(ImageRef.parse(event.getRunImage().getReference()));
    Map<String, String> labels = new LinkedHashMap<>(run.config().labels());
    labels.put("io.buildpacks.rebasable", value);
    ImageRef ref = ImageRef.parse("oci:" + root.resolve("images") + ":run-" + UUID.randomUUID());
    Digest digest = ImageAssembly.of(run.config().withLabels(labels), run.manifest().layers()).pushTo(store, ref);
    RunImageChoice choice = RunImageChoice.newBuilder(event.getRunImage())
        .setReference(ref.withDigest(digest).toString()).setName(ref.toString()).build();
    return BuildDetected.newBuilder(event).setRunImage(choice).build();
  }

  /** A change to a tree. */
  interface TreeEdit {
    void apply(Path dir) throws IOException;
  }

  private static GroupModule module(GroupEntry e, boolean extension) {
    return GroupModule.newBuilder().setId(e.id()).setVersion(e.version()).setApi(e.api()).setHomepage(e.homepage())
        .setExtension(extension).build();
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> children = Files.list(dir)) {
      return children.findAny().isEmpty();
    }
  }

  private static Path copyFixture(String name, Path to) throws IOException {
    Path from = Path.of("src/test/resources/fixtures").resolve(name).toAbsolutePath();
    copyTree(from, to);
    try (Stream<Path> files = Files.walk(to)) {
      for (Path f : files.filter(p -> p.getParent().getFileName().toString().equals("bin")).toList()) {
        Files.setAttribute(f, "unix:mode", 0755);
      }
    }
    return to;
  }

  private static Path copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    return to;
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
