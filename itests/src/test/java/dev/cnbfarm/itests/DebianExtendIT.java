package dev.cnbfarm.itests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.engine.extend.ExtendWorkspace;
import dev.cnbfarm.cli.lifecycle.PhaseRecords;
import dev.cnbfarm.engine.extend.ExtendSettings;
import dev.cnbfarm.engine.extend.ExtenderPhase;
import dev.cnbfarm.image.dockerfile.SparseLayout;
import dev.cnbfarm.image.dockerfile.StateLayer;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.ref.RegistryRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.RegistryImageStore;
import dev.cnbfarm.image.store.RegistrySettings;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.LocalRegistry;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.phase.PhaseInputs;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The realistic extension scenario on a real distribution: a Debian minbase bookworm base
 * ({@link DebianBase}, cached between runs), a build.Dockerfile that {@code apt-get install}s jq
 * from deb.debian.org, and a buildpack whose {@code /bin/build} uses jq; then a run.Dockerfile
 * over the same base pulled from a real registry, whose deletions must reach the layer as
 * whiteouts. Needs root, overlayfs, debootstrap, docker-registry and the Debian mirror.
 */
class DebianExtendIT {
  private static final ApiVersion PLATFORM_API = ApiVersion.of(0, 13);
  private static final Duration STEP_LIMIT = Duration.ofMinutes(5);
  private static LayoutRef base;

  @TempDir Path layers;
  @TempDir Path work;

  @BeforeAll
  static void debianBase() {
    long start = System.nanoTime();
    base = DebianBase.image();
    System.out.printf("DebianExtendIT: Debian base %s ready in %.1f s%n", base, seconds(start));
  }

  @Test
  void buildDockerfileInstallsJqWithAptAndTheBuildpackUsesIt() throws IOException {
    Files.writeString(layers.resolve("analyzed.toml"), "[build-image]\nreference = \"" + base + "\"\n");
    Files.writeString(layers.resolve("group.toml"), """
        [[group]]
        id = "test/uses-jq"
        version = "1.0.0"
        api = "0.10"
        [[group-extensions]]
        id = "test/jq"
        version = "1.0.0"
        api = "0.11"
        """);
    Files.writeString(layers.resolve("plan.toml"), "entries = []\n");
    Path ext = Files.createDirectories(layers.resolve("generated/test_jq"));
    Files.writeString(ext.resolve("build.Dockerfile"), """
        ARG base_image
        FROM ${base_image}
        USER root
        RUN apt-get update && apt-get install -y --no-install-recommends jq && rm -rf /var/lib/apt/lists/*
        ARG user_id=1000
        ARG group_id=1000
        USER ${user_id}:${group_id}
        """);
    Path bp = Files.createDirectories(layers.resolve("cnb/buildpacks/test_uses-jq/1.0.0/bin"));
    Files.writeString(bp.resolve("../buildpack.toml"),
        "api = \"0.10\"\n[buildpack]\nid = \"test/uses-jq\"\nversion = \"1.0.0\"\n");
    Path build = Files.writeString(bp.resolve("build"), """
        #!/bin/sh
        set -eu
        echo '{"a":{"b":42}}' | jq .a.b > "$CNB_LAYERS_DIR/answer"
        id -u > "$CNB_LAYERS_DIR/uid"
        """);
    Files.setPosixFilePermissions(build, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(layers.resolve("app"));
    Files.createDirectories(layers.resolve("platform"));
    ExtendWorkspace workspace = new ExtendWorkspace(work.resolve("workspace"));
    Map<String, String> flags = Map.of("kind", "build", "layers", layers.toString(),
        "app", layers.resolve("app").toString(), "platform", layers.resolve("platform").toString(),
        "buildpacks", layers.resolve("cnb/buildpacks").toString());

    long start = System.nanoTime();
    ExtenderPhase.Outcome first = extend(flags, new OciLayoutImageStore(), workspace);
    double firstSeconds = seconds(start);

    Path answer = layers.resolve("test_uses-jq/answer");
    assertThat(answer).hasContent("42");
    assertThat(layers.resolve("test_uses-jq/uid")).as("the build runs as CNB_USER_ID of the base image")
        .hasContent("1000");
    assertThat(first.runsExecuted()).isEqualTo(1);
    List<StateLayer> baseLayers = first.image().layers().subList(0, first.base().manifest().layers().size());
    List<StateLayer> newLayers = first.image().layersAbove(new dev.cnbfarm.image.dockerfile.ImageState(
        first.image().config(), baseLayers));
    assertThat(baseLayers).allSatisfy(l -> assertThat(l.dir().resolve("usr/bin/jq")).doesNotExist());
    assertThat(newLayers).hasSize(1);
    assertThat(newLayers.get(0).dir().resolve("usr/bin/jq")).isRegularFile();
    assertThat(tarEntries(newLayers.get(0).blob().orElseThrow().file())).contains("usr/bin/jq");

    Files.delete(answer);
    start = System.nanoTime();
    ExtenderPhase.Outcome second = extend(flags, new OciLayoutImageStore(), workspace);
    double secondSeconds = seconds(start);

    assertThat(second.runsExecuted()).as("the apt-get RUN comes from the layer cache").isZero();
    assertThat(second.cacheHits()).isEqualTo(1);
    assertThat(answer).hasContent("42");
    System.out.printf("DebianExtendIT: extend -kind build with apt-get: first %.1f s, cached %.1f s%n",
        firstSeconds, secondSeconds);
  }

  @Test
  void runDockerfileOnTheRegistryBaseWritesWhiteoutsAndAnOpaqueDir() throws IOException {
    try (LocalRegistry registry = LocalRegistry.start()) {
      ImageStore registryStore = RegistryImageStore.of(RegistrySettings.defaults().withRetries(2, Duration.ofMillis(50)));
      RegistryRef pushed = RegistryRef.parse(registry.host() + "/debian:" + DebianBase.TAG);
      long start = System.nanoTime();
      push(base, registryStore, pushed);
      System.out.printf("DebianExtendIT: pushed the Debian base to %s in %.1f s%n", pushed, seconds(start));

      Files.writeString(layers.resolve("analyzed.toml"),
          "[run-image]\nreference = \"" + pushed + "\"\nextend = true\n");
      Files.writeString(layers.resolve("group.toml"), """
          [[group]]
          id = "test/uses-jq"
          version = "1.0.0"
          api = "0.10"
          [[group-extensions]]
          id = "test/slim"
          version = "1.0.0"
          api = "0.11"
          """);
      Path ext = Files.createDirectories(layers.resolve("generated/test_slim"));
      Files.writeString(ext.resolve("run.Dockerfile"), """
          ARG base_image
          FROM ${base_image}
          USER root
          RUN rm -rf /usr/share/doc \\
           && d=/etc/apt/sources.list.d && rm -rf $d && mkdir $d && touch $d/x
          ARG user_id=1000
          ARG group_id=1000
          USER ${user_id}:${group_id}
          """);
      Files.createDirectories(layers.resolve("app"));
      Map<String, String> flags = Map.of("kind", "run", "layers", layers.toString(),
          "app", layers.resolve("app").toString());

      start = System.nanoTime();
      ExtenderPhase.Outcome o = extend(flags, new RoutingImageStore(new OciLayoutImageStore(), registryStore),
          new ExtendWorkspace(work.resolve("workspace")));
      System.out.printf("DebianExtendIT: extend -kind run from the registry in %.1f s%n", seconds(start));

      SparseLayout layout = o.layout().orElseThrow();
      List<Descriptor> manifestLayers = layout.manifest().layers();
      assertThat(manifestLayers).hasSize(2);
      assertThat(layout.blob(manifestLayers.get(0).digest())).as("the base layer stays in the registry").isEmpty();
      List<String> entries = tarEntries(layout.blob(manifestLayers.get(1).digest()).orElseThrow());
      assertThat(entries).contains("usr/share/.wh.doc", "etc/apt/sources.list.d/.wh..wh..opq",
          "etc/apt/sources.list.d/x");
      assertThat(entries).noneMatch(e -> e.startsWith("usr/share/doc/"));
      assertThat(layout.config().user()).contains("1000:1000");
    }
  }

  private static ExtenderPhase.Outcome extend(Map<String, String> flags, ImageStore store, ExtendWorkspace workspace) {
    PhaseInputs in = new PhaseInputs(flags, Map.of(), PLATFORM_API);
    return new ExtenderPhase(store, workspace, PhaseRecords.files(in), Reporter.NONE, Clock.systemUTC(),
        new ExtendSettings(STEP_LIMIT, PhaseRecords.layerCacheTtl(in), Optional.empty())).run(PhaseRecords.extend(in));
  }

  /** Copies the layout image to the registry: its layer blobs straight from the layout files, then the manifest. */
  private static void push(LayoutRef from, ImageStore registryStore, RegistryRef to) throws IOException {
    Image image = new OciLayoutImageStore().read(from);
    List<Descriptor> layerDescriptors = image.manifest().layers();
    for (int i = 0; i < layerDescriptors.size(); i++) {
      Descriptor d = layerDescriptors.get(i);
      Path file = from.directory().resolve("blobs").resolve(d.digest().algorithm()).resolve(d.digest().hex());
      registryStore.pushBlob(to, new LayerBlob(file, d.digest(), image.config().diffIds().get(i), Files.size(file)));
    }
    ByteArrayOutputStream config = new ByteArrayOutputStream();
    new OciLayoutImageStore().pullBlob(from, image.manifest().config().digest(), config);
    registryStore.pushManifest(to, image.manifest(), config.toByteArray());
  }

  /** Entry names of a gzipped layer tar, without a leading {@code ./} or a trailing {@code /}. */
  private static List<String> tarEntries(Path blob) throws IOException {
    List<String> names = new ArrayList<>();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(blob), 1 << 16);
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        String name = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
        names.add(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
      }
    }
    return names;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
