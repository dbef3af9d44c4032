package dev.cnbfarm.image.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.sandbox.BusyboxImage;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.Manifest;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.image.store.RegistryImageStore;
import dev.cnbfarm.image.store.RegistrySettings;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.LocalRegistry;
import dev.cnbfarm.lifecycle.builder.BuilderConfig;
import dev.cnbfarm.lifecycle.builder.BuilderLabels;
import dev.cnbfarm.lifecycle.builder.ModuleLayer;
import dev.cnbfarm.lifecycle.buildpack.ModuleKind;
import dev.cnbfarm.lifecycle.buildpack.ModuleRef;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuilderCreatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final RoutingImageStore store = new RoutingImageStore(new OciLayoutImageStore(),
      RegistryImageStore.of(RegistrySettings.defaults().withInsecureRegistries(Set.of())));

  @Test
  void createsAPackShapedBuilderInAnOciLayout() throws IOException {
    LayoutRef base = baseImage(List.of("PATH=/bin", "CNB_USER_ID=1000", "CNB_GROUP_ID=1001"));
    BuilderConfig config = BuilderConfig.read(builderToml(base.toString()));
    LayoutRef target = LayoutRef.of(dir.resolve("out"), "builder");

    BuilderCreator.Result result = new BuilderCreator(store, scratch(), "1.2.3").create(config, target);
    Image image = store.read(target);
    assertThat(image.manifestDigest()).isEqualTo(result.digest());
    Image baseImage = store.read(base);
    assertThat(image.manifest().layers()).hasSize(baseImage.manifest().layers().size() + 4)
        .startsWith(baseImage.manifest().layers().toArray(new Descriptor[0]));

    ImageConfig c = image.config();
    assertThat(c.workingDir()).contains("/layers");
    assertThat(c.env()).contains("CNB_USER_ID=1000", "CNB_GROUP_ID=1001");
    Map<String, String> labels = c.labels();
    assertThat(labels).containsEntry("io.example.base", "yes");

    JsonNode meta = JSON.readTree(labels.get("io.buildpacks.builder.metadata"));
    assertThat(meta.path("description").asText()).isEqualTo("a test builder");
    assertThat(meta.path("buildpacks").get(0).path("id").asText()).isEqualTo("samples/hello");
    assertThat(meta.path("buildpacks").get(0).path("version").asText()).isEqualTo("0.0.1");
    assertThat(meta.path("buildpacks").get(0).path("homepage").asText()).isEqualTo("https://example.com/samples/hello");
    assertThat(meta.path("extensions").get(0).path("id").asText()).isEqualTo("samples/curl");
    assertThat(meta.path("images").get(0).path("image").asText()).isEqualTo("example.com/run:base");
    assertThat(meta.path("images").get(0).path("mirrors").get(0).asText()).isEqualTo("mirror.example.com/run:base");
    assertThat(meta.path("stack").path("runImage").path("image").asText()).isEqualTo("example.com/run:base");
    assertThat(meta.path("lifecycle").path("version").asText()).isEqualTo("1.2.3");
    assertThat(meta.path("lifecycle").path("apis").path("buildpack").path("supported").toString()).contains("\"0.10\"");
    assertThat(meta.path("lifecycle").path("apis").path("platform").path("deprecated").isArray()).isTrue();
    assertThat(meta.path("createdBy").toString()).isEqualTo("{\"name\":\"cnbfarm\",\"version\":\"1.2.3\"}");

    List<Digest> diffIds = c.diffIds();
    int first = baseImage.config().diffIds().size();
    JsonNode bpLayers = JSON.readTree(labels.get("io.buildpacks.buildpack.layers"));
    JsonNode hello = bpLayers.path("samples/hello").path("0.0.1");
    assertThat(hello.path("api").asText()).isEqualTo("0.10");
    assertThat(hello.path("layerDiffID").asText()).isEqualTo(diffIds.get(first).value());
    assertThat(hello.path("homepage").asText()).isEqualTo("https://example.com/samples/hello");
    assertThat(bpLayers.path("samples/tool").path("1.0.0").path("layerDiffID").asText())
        .isEqualTo(diffIds.get(first + 1).value());
    JsonNode extLayers = JSON.readTree(labels.get("io.buildpacks.extension.layers"));
    assertThat(extLayers.path("samples/curl").path("0.1.0").path("layerDiffID").asText())
        .isEqualTo(diffIds.get(first + 2).value());
    assertThat(labels.get("io.buildpacks.buildpack.order")).isEqualTo(
        "[{\"group\":[{\"id\":\"samples/tool\",\"optional\":true,\"version\":\"1.0.0\"},"
            + "{\"id\":\"samples/hello\",\"version\":\"0.0.1\"}]}]");
    assertThat(labels.get("io.buildpacks.buildpack.order-extensions"))
        .isEqualTo("[{\"group\":[{\"id\":\"samples/curl\",\"version\":\"0.1.0\"}]}]");

    Map<String, TarArchiveEntry> helloLayer = entries(target, image.manifest().layers().get(first).digest(), null);
    assertThat(helloLayer).containsKeys("cnb/", "cnb/buildpacks/", "cnb/buildpacks/samples_hello/",
        "cnb/buildpacks/samples_hello/0.0.1/", "cnb/buildpacks/samples_hello/0.0.1/buildpack.toml",
        "cnb/buildpacks/samples_hello/0.0.1/bin/detect");
    TarArchiveEntry detect = helloLayer.get("cnb/buildpacks/samples_hello/0.0.1/bin/detect");
    assertThat(detect.getMode() & 07777).isEqualTo(0755);
    assertThat(detect.getLongUserId()).isZero();
    assertThat(helloLayer.get("cnb/buildpacks/samples_hello/0.0.1/buildpack.toml").getMode() & 07777).isEqualTo(0644);
    assertThat(helloLayer.get("cnb/buildpacks/samples_hello/0.0.1/bin/").getMode() & 07777).isEqualTo(0755);
    Map<String, TarArchiveEntry> curlLayer = entries(target, image.manifest().layers().get(first + 2).digest(), null);
    assertThat(curlLayer).containsKeys("cnb/extensions/samples_curl/0.1.0/extension.toml",
        "cnb/extensions/samples_curl/0.1.0/bin/generate");

    Map<String, String> files = new LinkedHashMap<>();
    Map<String, TarArchiveEntry> configLayer = entries(target, image.manifest().layers().get(first + 3).digest(), files);
    assertThat(files.get("cnb/order.toml")).contains("[[order]]", "[[order-extensions]]", "[[order-extensions.group]]",
        "id = \"samples/curl\"", "version = \"0.1.0\"", "optional = true");
    assertThat(files.get("cnb/run.toml")).contains("[[images]]", "image = \"example.com/run:base\"",
        "mirror.example.com/run:base");
    assertThat(files.get("cnb/build-config/env/HELLO")).isEqualTo("world");
    assertThat(files.get("cnb/build-config/env/PATH.prepend")).isEqualTo("/opt/bin");
    assertThat(files).doesNotContainKey("cnb/stack.toml");
    assertThat(configLayer.get("layers/").getLongUserId()).isEqualTo(1000);
    assertThat(configLayer.get("workspace/").getLongGroupId()).isEqualTo(1001);

    BuilderImage read = BuilderImage.read(store, target);
    assertThat(read.metadata().createdBy().name()).isEqualTo("cnbfarm");
    assertThat(read.buildpacks()).extracting(ModuleLayer::id).containsExactly("samples/hello", "samples/tool");
    assertThat(read.extensions()).extracting(ModuleLayer::layerDiffId).containsExactly(diffIds.get(first + 2).value());
    assertThat(read.order()).isEqualTo(config.order().buildpacks());
    assertThat(read.orderExtensions().get(0).elements())
        .containsExactly(new ModuleRef(ModuleKind.EXTENSION, "samples/curl", "0.1.0", true));
    assertThat(read.metadata().runImages()).isEqualTo(config.runImages());
  }

  @Test
  void theSameInputsGiveTheSameDigest() throws IOException {
    LayoutRef base = baseImage(List.of("CNB_USER_ID=1000", "CNB_GROUP_ID=1000"));
    BuilderConfig config = BuilderConfig.read(builderToml(base.toString()));
    Digest one = new BuilderCreator(store, scratch(), "1").create(config, LayoutRef.of(dir.resolve("a"), "b")).digest();
    Digest two = new BuilderCreator(store, scratch(), "1").create(config, LayoutRef.of(dir.resolve("c"), "b")).digest();
    assertThat(two).isEqualTo(one);
  }

  @Test
  void pushesToARegistryAndReadsItBack() throws IOException {
    LayoutRef base = baseImage(List.of("CNB_USER_ID=1000", "CNB_GROUP_ID=1000"));
    BuilderConfig config = BuilderConfig.read(builderToml(base.toString()));
    Digest layout = new BuilderCreator(store, scratch(), "1").create(config, LayoutRef.of(dir.resolve("a"), "b")).digest();
    try (LocalRegistry registry = LocalRegistry.start()) {
      RoutingImageStore routed = new RoutingImageStore(new OciLayoutImageStore(),
          RegistryImageStore.of(RegistrySettings.defaults().withInsecureRegistries(Set.of(registry.host()))));
      ImageRef target = ImageRef.parse(registry.host() + "/builders/test:latest");
      BuilderCreator.Result result = new BuilderCreator(routed, scratch(), "1").create(config, target);
      assertThat(result.digest()).isEqualTo(layout);
      BuilderImage read = BuilderImage.read(routed, target);
      assertThat(read.image().manifestDigest()).isEqualTo(layout);
      assertThat(read.buildpacks()).hasSize(2);
      assertThat(read.orderExtensions()).hasSize(1);
    }
  }

  @Test
  void aLegacyStackWritesStackTomlAndTheStackLabel() throws IOException {
    LayoutRef base = baseImage(List.of("CNB_USER_ID=1000", "CNB_GROUP_ID=1000"));
    BuilderConfig config = BuilderConfig.read(write("builder.toml", """
        [stack]
        id = "io.example.stack"
        build-image = "%s"
        run-image = "example.com/run"
        """.formatted(base)));
    LayoutRef target = LayoutRef.of(dir.resolve("out"), "b");
    new BuilderCreator(store, scratch(), "1").create(config, target);
    Image image = store.read(target);
    assertThat(image.config().labels()).containsEntry("io.buildpacks.stack.id", "io.example.stack");
    Map<String, String> files = new LinkedHashMap<>();
    entries(target, image.manifest().layers().get(image.manifest().layers().size() - 1).digest(), files);
    assertThat(files.get("cnb/stack.toml")).contains("[run-image]", "image = \"example.com/run\"");
    assertThat(BuilderImage.read(store, target).buildpacks()).isEmpty();
  }

  @Test
  void aBuildImageWithoutTheCnbUserFailsAsPackDoes() throws IOException {
    LayoutRef base = baseImage(List.of("PATH=/bin", "CNB_GROUP_ID=1000"));
    BuilderConfig config = BuilderConfig.read(builderToml(base.toString()));
    assertThatThrownBy(() -> new BuilderCreator(store, scratch(), "1").create(config, LayoutRef.of(dir.resolve("o"), "b")))
        .isInstanceOf(LifecycleException.class)
        .hasMessage("image " + base + " missing required env var CNB_USER_ID");
  }

  @Test
  void theCnbUserIsReadFromTheImageEnvByTheOneRuleWhereTheLaterDuplicateWins() throws IOException {
    // decisions.md #9 through lifecycle.extend.ImageEnv, as extend, build, export and run read it
    LayoutRef base = baseImage(List.of("CNB_USER_ID=not-a-number", "CNB_GROUP_ID=1000", "CNB_USER_ID=1000"));
    BuilderConfig config = BuilderConfig.read(builderToml(base.toString()));
    LayoutRef target = LayoutRef.of(dir.resolve("dup"), "builder");

    BuilderCreator.Result result = new BuilderCreator(store, scratch(), "1").create(config, target);

    assertThat(store.read(target).manifestDigest()).isEqualTo(result.digest());
  }

  @Test
  void anImageWithoutBuilderLabelsIsNotABuilder() throws IOException {
    LayoutRef base = baseImage(List.of("CNB_USER_ID=1000", "CNB_GROUP_ID=1000"));
    assertThatThrownBy(() -> BuilderImage.read(store, base))
        .isInstanceOf(LifecycleException.class)
        .hasMessageContaining("is not a builder: no label io.buildpacks.builder.metadata");
  }

  @Test
  void readsAPackMadeBuildersLabels() throws IOException {
    String metadata = """
        {"description":"pack builder","buildpacks":[{"id":"acme/go","version":"3.0.0","homepage":"https://acme.example/go"}],
        "extensions":[{"id":"acme/apt","version":"0.1.0"}],"stack":{"runImage":{"image":"registry.example/run","mirrors":[]}},
        "lifecycle":{"version":"0.20.1","api":{"buildpack":"0.7","platform":"0.7"},
        "apis":{"buildpack":{"deprecated":[],"supported":["0.7","0.11"]},"platform":{"deprecated":[],"supported":["0.7","0.13"]}}},
        "createdBy":{"name":"Pack CLI","version":"0.36.0"},"images":[{"image":"registry.example/run"}]}""";
    Map<String, String> labels = Map.of(
        BuilderLabels.METADATA, metadata,
        BuilderLabels.BUILDPACK_LAYERS, "{\"acme/go\":{\"3.0.0\":{\"api\":\"0.11\",\"stacks\":[{\"id\":\"*\"}],"
            + "\"layerDiffID\":\"sha256:1111111111111111111111111111111111111111111111111111111111111111\","
            + "\"homepage\":\"https://acme.example/go\"}}}",
        BuilderLabels.EXTENSION_LAYERS, "{\"acme/apt\":{\"0.1.0\":{\"api\":\"0.11\",\"layerDiffID\":\"sha256:22\"}}}",
        BuilderLabels.ORDER, "[{\"group\":[{\"id\":\"acme/go\",\"version\":\"3.0.0\"}]}]",
        BuilderLabels.ORDER_EXTENSIONS, "[{\"group\":[{\"id\":\"acme/apt\",\"version\":\"0.1.0\"}]}]");
    LayoutRef ref = baseImage(List.of("CNB_USER_ID=1000", "CNB_GROUP_ID=1000"), labels);
    BuilderImage b = BuilderImage.read(store, ref);
    assertThat(b.metadata().createdBy().name()).isEqualTo("Pack CLI");
    assertThat(b.metadata().runImages()).singleElement().satisfies(r -> assertThat(r.image()).isEqualTo("registry.example/run"));
    assertThat(b.buildpacks()).singleElement().satisfies(l -> {
      assertThat(l.api()).isEqualTo("0.11");
      assertThat(l.homepage()).isEqualTo("https://acme.example/go");
    });
    assertThat(b.extensions()).extracting(ModuleLayer::id).containsExactly("acme/apt");
    assertThat(b.order().get(0).elements()).containsExactly(new ModuleRef(ModuleKind.BUILDPACK, "acme/go", "3.0.0", false));
    assertThat(b.orderExtensions().get(0).elements())
        .containsExactly(new ModuleRef(ModuleKind.EXTENSION, "acme/apt", "0.1.0", true));
  }

  // fixtures

  @Test
  void addModulesMakesAnEphemeralBuilderWhoseOrderIsOneGroupOfTheAddedBuildpacks() throws IOException {
    LayoutRef base = baseImage(List.of("CNB_USER_ID=1000", "CNB_GROUP_ID=1001"));
    LayoutRef builderRef = LayoutRef.of(dir.resolve("out"), "builder");
    new BuilderCreator(store, scratch(), "1.2.3").create(BuilderConfig.read(builderToml(base.toString())), builderRef);
    // a buildpackage: the builder image with pack's package label naming samples/tool
    Image builder = store.read(builderRef);
    LayoutRef packageRef = LayoutRef.of(dir.resolve("out"), "tool-package");
    Map<String, String> pkgLabels = new LinkedHashMap<>(builder.config().labels());
    pkgLabels.put(AddedModule.PACKAGE_METADATA, "{\"id\":\"samples/tool\",\"version\":\"1.0.0\"}");
    pkgLabels.put(BuilderLabels.BUILDPACK_LAYERS, BuilderLabels.layersJson(BuilderImage.of(builder).buildpacks().stream()
        .filter(l -> l.id().equals("samples/tool")).toList()));
    byte[] pkgJson = builder.config().withLabels(pkgLabels).toJson();
    store.pushManifest(packageRef, Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(pkgJson), pkgJson.length),
        builder.manifest().layers()), pkgJson);
    module("bps/new", "buildpack", "samples/new", "2.0.0", "bin/detect", "bin/build");
    AddedModule dirModule = new AddedModule.Dir(dev.cnbfarm.lifecycle.buildpack.ModuleDescriptor.read(
        ModuleKind.BUILDPACK, dir.resolve("bps/new")));
    AddedModule pkg = AddedModule.Package.read(store, packageRef, ModuleKind.BUILDPACK);
    LayoutRef target = LayoutRef.of(dir.resolve("ephemeral"), "b");

    new BuilderCreator(store, scratch(), "1.2.3").addModules(BuilderImage.of(builder), List.of(dirModule, pkg),
        List.of(), target);

    Image image = store.read(target);
    // the builder's layers, the new dir's, the order layer: the builder has the package's samples/tool layer already
    assertThat(image.manifest().layers()).hasSize(builder.manifest().layers().size() + 2);
    Map<String, String> labels = image.config().labels();
    assertThat(labels.get("io.buildpacks.buildpack.order")).isEqualTo(
        "[{\"group\":[{\"id\":\"samples/new\",\"version\":\"2.0.0\"},{\"id\":\"samples/tool\",\"version\":\"1.0.0\"}]}]");
    assertThat(labels.get("io.buildpacks.buildpack.order-extensions"))
        .isEqualTo("[{\"group\":[{\"id\":\"samples/curl\",\"version\":\"0.1.0\"}]}]");
    BuilderImage read = BuilderImage.of(image);
    assertThat(read.buildpacks()).extracting(ModuleLayer::id).containsExactly("samples/hello", "samples/new",
        "samples/tool");
    assertThat(read.metadata().buildpacks()).extracting(m -> m.id()).contains("samples/new");
    Map<String, String> files = new LinkedHashMap<>();
    entries(target, image.manifest().layers().get(image.manifest().layers().size() - 1).digest(), files);
    assertThat(files.get("cnb/order.toml")).contains("id = \"samples/new\"", "id = \"samples/tool\"",
        "[[order-extensions]]").doesNotContain("samples/hello");
    Map<String, TarArchiveEntry> newLayer = entries(target,
        image.manifest().layers().get(builder.manifest().layers().size()).digest(), null);
    assertThat(newLayer).containsKey("cnb/buildpacks/samples_new/2.0.0/bin/build");
  }

  @Test
  void anImageWithoutThePackageLabelIsNotABuildpackage() throws IOException {
    LayoutRef base = baseImage(List.of("CNB_USER_ID=1000", "CNB_GROUP_ID=1001"));

    assertThatThrownBy(() -> AddedModule.Package.read(store, base, ModuleKind.BUILDPACK))
        .isInstanceOf(LifecycleException.class).hasMessageContaining("is not a buildpack package")
        .hasMessageContaining("io.buildpacks.buildpackage.metadata");
  }

  private Path scratch() throws IOException {
    return Files.createTempDirectory(dir, "scratch");
  }

  private LayoutRef baseImage(List<String> env) throws IOException {
    return baseImage(env, Map.of("io.example.base", "yes"));
  }

  private LayoutRef baseImage(List<String> env, Map<String, String> labels) throws IOException {
    Path root = Files.createTempDirectory(dir, "busybox");
    BusyboxImage.writeBaseLayer(root);
    LayerBlob layer = LayerWriter.of().writeTree(root, dir.resolve(root.getFileName() + ".tar.gz"));
    ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64)
        .withLayer(layer.diffId(), new ImageConfig.History("", "busybox", "", false))
        .withEnv(env).withUser("1000:1000").withLabels(labels);
    LayoutRef ref = LayoutRef.of(dir.resolve("base-" + root.getFileName()), "build");
    store.pushBlob(ref, layer);
    byte[] json = config.toJson();
    store.pushManifest(ref, Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(json), json.length),
        List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer.digest(), layer.size()))), json);
    return ref;
  }

  private Path builderToml(String buildImage) throws IOException {
    module("bps/hello", "buildpack", "samples/hello", "0.0.1", "bin/detect", "bin/build");
    module("bps/tool", "buildpack", "samples/tool", "1.0.0", "bin/detect", "bin/build");
    module("exts/curl", "extension", "samples/curl", "0.1.0", "bin/detect", "bin/generate");
    return write("builder.toml", """
        description = "a test builder"
        [[buildpacks]]
        uri = "bps/hello"
        [[buildpacks]]
        uri = "bps/tool"
        [[extensions]]
        uri = "exts/curl"
        [[order]]
        [[order.group]]
        id = "samples/tool"
        optional = true
        [[order.group]]
        id = "samples/hello"
        version = "0.0.1"
        [[order-extensions]]
        [[order-extensions.group]]
        id = "samples/curl"
        [build]
        image = "%s"
        [[build.env]]
        name = "HELLO"
        value = "world"
        [[build.env]]
        name = "PATH"
        value = "/opt/bin"
        suffix = "prepend"
        [[run.images]]
        image = "example.com/run:base"
        mirrors = ["mirror.example.com/run:base"]
        """.formatted(buildImage));
  }

  private void module(String path, String kind, String id, String version, String... scripts) throws IOException {
    Path d = Files.createDirectories(dir.resolve(path));
    Files.writeString(d.resolve(kind + ".toml"), "api = \"0.10\"\n\n[" + kind + "]\nid = \"" + id + "\"\nversion = \""
        + version + "\"\nhomepage = \"https://example.com/" + id + "\"\n");
    Files.setPosixFilePermissions(d.resolve(kind + ".toml"), PosixFilePermissions.fromString("rw-r--r--"));
    for (String s : scripts) {
      Path f = Files.createDirectories(d.resolve(s).getParent()).resolve(Path.of(s).getFileName());
      Files.writeString(f, "#!/bin/sh\nexit 0\n");
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  /** The layer's entries by name; regular files' text into {@code files} when given. */
  private Map<String, TarArchiveEntry> entries(ImageRef ref, Digest layer, Map<String, String> files) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    store.pullBlob(ref, layer, bytes);
    Map<String, TarArchiveEntry> out = new LinkedHashMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(
        new GZIPInputStream(new ByteArrayInputStream(bytes.toByteArray())))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        out.put(e.getName(), e);
        if (files != null && e.isFile()) {
          files.put(e.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }
}
