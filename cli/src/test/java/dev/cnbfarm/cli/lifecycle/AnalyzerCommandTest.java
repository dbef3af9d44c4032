package dev.cnbfarm.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.export.BuildPublisher;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.CountingImageStore;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.RegistryImageStore;
import dev.cnbfarm.image.store.RegistrySettings;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.BusyboxRunImage;
import dev.cnbfarm.image.testing.LocalRegistry;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.LayersMetadata;
import dev.cnbfarm.lifecycle.toml.Toml;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cnbfarm lifecycle analyzer} against a real registry, and a rebuild through the lifecycle
 * commands (analyzer, detector, builder, exporter) where the buildpack keeps its launch layer by
 * the version in the previous image's metadata, so nothing is rebuilt or uploaded.
 */
class AnalyzerCommandTest {
  /** The fixture buildpack's Buildpack API: 0.9+ (another change adds 0.7 and 0.8). */
  static final String BUILDPACK_API = "0.10";

  @TempDir static Path shared;
  static LocalRegistry registry;
  static CountingImageStore store;
  static Image run;

  @TempDir Path dir;
  Path layers;
  Path app;
  Path buildpacks;
  Path runToml;
  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  final Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "CNB_PLATFORM_API", "0.13");

  @BeforeAll
  static void runImageInRegistry() throws IOException {
    registry = LocalRegistry.start();
    store = new CountingImageStore(
        new RoutingImageStore(new OciLayoutImageStore(), RegistryImageStore.of(RegistrySettings.defaults())));
    run = BusyboxRunImage.copy(store, BusyboxRunImage.write(shared, "true"),
        ImageRef.parse(registry.host() + "/analyze/run:base"), shared);
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @BeforeEach
  void workspace() throws IOException {
    layers = Files.createDirectories(dir.resolve("layers"));
    app = Files.createDirectories(dir.resolve("app"));
    Files.createDirectories(dir.resolve("platform"));
    Files.writeString(app.resolve("index.html"), "hello\n");
    Files.writeString(dir.resolve("launcher"), "#!/bin/sh\nexec \"$@\"\n");
    runToml = dir.resolve("run.toml");
    Files.writeString(runToml, "[[images]]\nimage = \"" + registry.host() + "/analyze/run:base\"\n");
    buildpacks = dir.resolve("buildpacks");
    Path bp = Files.createDirectories(buildpacks.resolve("acme_runtime/1.0.0/bin"));
    Files.writeString(bp.getParent().resolve("buildpack.toml"), "api = \"" + BUILDPACK_API + "\"\n[buildpack]\n"
        + "id = \"acme/runtime\"\nversion = \"1.0.0\"\n");
    script(bp.resolve("detect"), "exit 0\n");
    // keeps its launch-only layer when the metadata the restorer left names the version it would install
    script(bp.resolve("build"), """
        layer="$1/runtime"
        if [ -f "$layer.toml" ] && grep -q 'version = "1.0"' "$layer.toml"; then
          echo "---> keeping runtime 1.0"
          printf '[types]\\nlaunch = true\\n\\n[metadata]\\nversion = "1.0"\\n' > "$layer.toml"
        else
          echo "---> installing runtime 1.0"
          mkdir -p "$layer/bin"
          printf '#!/bin/sh\\necho hi\\n' > "$layer/bin/hi"
          chmod +x "$layer/bin/hi"
          printf '[types]\\nlaunch = true\\n\\n[metadata]\\nversion = "1.0"\\n' > "$layer.toml"
          printf '{"bomFormat":"CycloneDX","version":1}\\n' > "$layer.sbom.cdx.json"
        fi
        printf '{"spdxVersion":"SPDX-2.3"}\\n' > "$1/launch.sbom.spdx.json"
        printf '{"bomFormat":"CycloneDX","build":true}\\n' > "$1/build.sbom.cdx.json"
        printf '[[processes]]\\ntype = "web"\\ncommand = ["hi"]\\ndefault = true\\n' > "$1/launch.toml"
        """);
    Files.writeString(dir.resolve("order.toml"), "[[order]]\n[[order.group]]\nid = \"acme/runtime\"\n");
  }

  static void script(Path file, String body) throws IOException {
    Files.writeString(file, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  int analyzer(String... args) {
    List<String> all = new ArrayList<>(List.of("-layers", layers.toString(), "-run", runToml.toString()));
    all.addAll(List.of(args));
    return new AnalyzerCommand(env, new PrintStream(bytes, true, StandardCharsets.UTF_8), insecure -> store)
        .run(all.toArray(String[]::new));
  }

  String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  Analyzed analyzed() {
    return Analyzed.read(layers.resolve("analyzed.toml"));
  }

  @Test
  void withoutAPreviousImageItPinsTheRunImageWithItsTargetAndIsNoError() {
    assertThat(analyzer(registry.host() + "/analyze/app:none")).as(printed()).isZero();

    Analyzed a = analyzed();
    assertThat(a.previousImageReference()).isEmpty();
    assertThat(a.layersMetadata().isEmpty()).isTrue();
    assertThat(a.runImageReference()).contains(run.pinnedRef().toString());
    assertThat(a.runImageName()).contains(registry.host() + "/analyze/run:base");
    assertThat(a.runImageTarget().os()).isEqualTo("linux");
    assertThat(a.runImageTarget().arch()).isEqualTo(run.config().platform().architecture());
    assertThat(printed()).contains("Image with name \"" + registry.host() + "/analyze/app:none\" not found");
  }

  @Test
  void theDaemonIsRefusedAndAMissingRunImageExits32() {
    assertThat(analyzer("-daemon", registry.host() + "/analyze/app:d")).isEqualTo(3);
    assertThat(printed()).contains("-daemon (CNB_USE_DAEMON) is not supported");
    bytes.reset();
    assertThat(analyzer("-run-image", registry.host() + "/analyze/nothing:here", registry.host() + "/analyze/app:x"))
        .isEqualTo(32);
    assertThat(printed()).contains("ERROR: run image " + registry.host() + "/analyze/nothing:here not found")
        .doesNotContain("Exception");
  }

  @Test
  void aRebuildReadsThePreviousMetadataRestoresItsSbomsAndReusesEveryLayer() throws IOException {
    String image = registry.host() + "/analyze/app:latest";
    assertThat(build(image)).as(printed()).contains("---> installing runtime 1.0");
    Image first = store.read(ImageRef.parse(image));
    assertThat(first.config().labels().get(LifecycleMetadata.LABEL)).contains("\"sbom\":{\"sha\":");
    Path sbomOut = dir.resolve("sbom-out");
    assertThat(sbomOut.resolve("build/acme_runtime/sbom.cdx.json")).content().contains("\"build\":true");
    assertThat(sbomOut.resolve("launch/acme_runtime/runtime/sbom.cdx.json")).exists();

    clean(layers);
    store.reset();
    String second = build(image);

    Analyzed a = Analyzed.read(dir.resolve("analyzed-after-analyzer.toml"));
    assertThat(a.previousImageReference()).contains(first.pinnedRef().toString());
    assertThat(a.layersMetadata()).isEqualTo(LayersMetadata.fromLabel(first.config().labels().get(LifecycleMetadata.LABEL)));
    assertThat(a.layersMetadata().layer("acme/runtime", "runtime").orElseThrow().metadata()).containsEntry("version", "1.0");
    assertThat(dir.resolve("restored-sbom/acme_runtime/runtime/sbom.cdx.json")).content().contains("CycloneDX");
    assertThat(second).contains("---> keeping runtime 1.0", "Restoring data for SBOM from previous image",
        "Reusing layer 'acme/runtime:runtime'", "Reusing layer '" + BuildPublisher.SBOM_LAYER + "'")
        .doesNotContain("installing");
    assertThat(store.uploads()).isZero();
    assertThat(store.pulled()).hasSize(1); // only the SBOM layer, by the analyzer
    assertThat(store.read(ImageRef.parse(image)).manifestDigest()).isEqualTo(first.manifestDigest());
  }

  @Test
  void skipLayersLeavesTheSbomsOfThePreviousImageWhereTheyAre() throws IOException {
    String image = registry.host() + "/analyze/app:skip";
    build(image);
    clean(layers);
    assertThat(analyzer("-skip-layers", image)).as(printed()).isZero();
    assertThat(layers.resolve("sbom")).doesNotExist();
    assertThat(analyzed().previousImageReference()).isPresent();
  }

  /** One build through the lifecycle commands; returns what they printed. */
  String build(String image) throws IOException {
    bytes.reset();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    assertThat(analyzer("-uid", "0", "-gid", "0", image)).as(printed()).isZero();
    Files.copy(layers.resolve("analyzed.toml"), dir.resolve("analyzed-after-analyzer.toml"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    restoreAsTheRestorerWould();
    assertThat(new DetectorCommand(env, out).run(new String[] {"-app", app.toString(), "-buildpacks",
        buildpacks.toString(), "-order", dir.resolve("order.toml").toString(), "-layers", layers.toString(),
        "-platform", dir.resolve("platform").toString(), "-run", runToml.toString()})).as(printed()).isZero();
    assertThat(new BuilderCommand(env, out).run(new String[] {"-app", app.toString(), "-buildpacks",
        buildpacks.toString(), "-layers", layers.toString(), "-platform", dir.resolve("platform").toString()}))
        .as(printed()).isZero();
    assertThat(new ExporterCommand(env, out, () -> store).run(new String[] {"-layers", layers.toString(), "-app",
        app.toString(), "-launcher", dir.resolve("launcher").toString(), "-run", runToml.toString(), "-uid", "1000",
        "-gid", "1000", "-sbom-output-dir", dir.resolve("sbom-out").toString(), image})).as(printed()).isZero();
    return printed();
  }

  /**
   * The restorer's part (another change): each launch layer of {@code [metadata]} back as {@code
   * <layer>.toml}, and the launch SBOMs the analyzer restored next to it as {@code
   * <layer>.sbom.<ext>.json}; then {@code <layers>/sbom} is removed, as the reference's
   * {@code RestoreToBuildpackLayers}.
   */
  void restoreAsTheRestorerWould() throws IOException {
    for (LayersMetadata.Buildpack bp : analyzed().layersMetadata().buildpacks()) {
      Path bpDir = Files.createDirectories(layers.resolve(bp.key().replace('/', '_')));
      bp.layers().forEach((name, l) -> {
        Map<String, Object> toml = new LinkedHashMap<>();
        toml.put("types", Map.of("launch", l.launch(), "build", l.build(), "cache", l.cache()));
        toml.put("metadata", l.metadata());
        Toml.write(bpDir.resolve(name + ".toml"), toml);
      });
    }
    Path launch = layers.resolve("sbom/launch");
    if (Files.isDirectory(launch)) {
      clean(dir.resolve("restored-sbom"));
      copy(launch, dir.resolve("restored-sbom"));
      try (Stream<Path> files = Files.walk(launch)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          Path rel = launch.relativize(f);
          if (rel.getNameCount() == 3) {
            Files.copy(f, layers.resolve(rel.getName(0).toString()).resolve(rel.getName(1) + "." + rel.getName(2)));
          }
        }
      }
      clean(layers.resolve("sbom"));
      Files.delete(layers.resolve("sbom"));
    }
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path d = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(d);
        } else {
          Files.copy(p, d);
        }
      }
    }
  }

  /** Empties {@code d} (a fresh layers volume for the next build). */
  static void clean(Path d) throws IOException {
    if (!Files.exists(d)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(d)) {
      walk.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(d)).forEach(p -> p.toFile().delete());
    }
  }
}
