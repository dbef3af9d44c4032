package dev.cnbfarm.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.RegistryImageStore;
import dev.cnbfarm.image.store.RegistrySettings;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.BusyboxRunImage;
import dev.cnbfarm.image.store.CountingImageStore;
import dev.cnbfarm.image.testing.LocalRegistry;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.toml.Toml;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExporterCommandTest {
  @TempDir static Path shared;
  static LocalRegistry registry;
  static CountingImageStore store;
  static Image run;

  @TempDir Path dir;
  Path layers;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  @BeforeAll
  static void runImageInRegistry() throws IOException {
    registry = LocalRegistry.start();
    store = new CountingImageStore(
        new RoutingImageStore(new OciLayoutImageStore(), RegistryImageStore.of(RegistrySettings.defaults())));
    run = BusyboxRunImage.copy(store, BusyboxRunImage.write(shared, "true"),
        ImageRef.parse(registry.host() + "/cli/run:base"), shared);
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @BeforeEach
  void platformFiles() throws IOException {
    layers = Files.createDirectories(dir.resolve("layers"));
    Files.writeString(layers.resolve("analyzed.toml"), "[run-image]\nreference = \"" + run.pinnedRef() + "\"\n");
    Files.writeString(layers.resolve("group.toml"), "[[group]]\nid = \"bp/a\"\nversion = \"1\"\napi = \"0.10\"\n");
    Path bp = Files.createDirectories(layers.resolve("bp_a/web"));
    Files.writeString(bp.resolve("index.txt"), "web\n");
    Files.writeString(layers.resolve("bp_a/web.toml"), "[types]\nlaunch = true\n");
    Files.createDirectories(layers.resolve("config"));
    Files.writeString(layers.resolve("config/metadata.toml"),
        "[[buildpacks]]\nid = \"bp/a\"\nversion = \"1\"\napi = \"0.10\"\n"
            + "[[processes]]\ntype = \"web\"\ncommand = [\"cat\"]\nargs = []\ndirect = true\nbuildpack-id = \"bp/a\"\n");
    Files.createDirectories(dir.resolve("app"));
    Files.writeString(dir.resolve("app/a.txt"), "app\n");
    Files.writeString(dir.resolve("launcher"), "#!/bin/sh\nexec \"$@\"\n");
    Files.writeString(dir.resolve("run.toml"), "[[images]]\nimage = \"" + registry.host() + "/cli/run\"\n");
  }

  private int run(Map<String, String> env, String... args) {
    return new ExporterCommand(env, new PrintStream(bytes, true, StandardCharsets.UTF_8), () -> store).run(args);
  }

  private String[] flags(String... images) {
    List<String> args = new java.util.ArrayList<>(List.of("-layers", layers.toString(), "-app", dir.resolve("app").toString(),
        "-launcher", dir.resolve("launcher").toString(), "-run", dir.resolve("run.toml").toString(), "-uid", "1000",
        "-gid", "1000"));
    args.addAll(List.of(images));
    return args.toArray(String[]::new);
  }

  @Test
  void exportsTheImageWithExtraTagsAndWritesReportToml() {
    String image = registry.host() + "/cli/app:1";
    String extra = registry.host() + "/cli/app:2";
    store.reset();
    assertThat(run(Map.of("CNB_PLATFORM_API", "0.13"), flags(image, extra))).as(bytes.toString()).isZero();
    Image pushed = store.read(ImageRef.parse(image));
    assertThat(store.read(ImageRef.parse(extra)).manifestDigest()).isEqualTo(pushed.manifestDigest());
    assertThat(store.pulled()).isEmpty();
    TomlTable report = Toml.read(layers.resolve("report.toml"), FailureCode.INVALID_INPUT);
    TomlTable img = report.table("image").orElseThrow();
    assertThat(img.strings("tags")).containsExactly(image, extra);
    assertThat(img.requireString("digest")).isEqualTo(pushed.manifestDigest().value());
    assertThat(((Number) img.asMap().get("manifest-size")).longValue()).isEqualTo(pushed.manifest().toJson().length);
    assertThat(pushed.config().env()).contains("CNB_PLATFORM_API=0.13");
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("*** Digest: " + pushed.manifestDigest());
  }

  @Test
  void atPlatform015TheImageIsLabelledWithItsExecutionEnvironmentAndBelowItIsNot() {
    String production = registry.host() + "/cli/app:exec-default";
    assertThat(run(Map.of("CNB_PLATFORM_API", "0.15"), flags(production))).as(bytes.toString()).isZero();
    assertThat(store.read(ImageRef.parse(production)).config().labels())
        .containsEntry("io.buildpacks.exec-env", "production");

    String test = registry.host() + "/cli/app:exec-test";
    assertThat(run(Map.of("CNB_PLATFORM_API", "0.15", "CNB_EXEC_ENV", "test"), flags(test))).as(bytes.toString())
        .isZero();
    assertThat(store.read(ImageRef.parse(test)).config().labels()).containsEntry("io.buildpacks.exec-env", "test");

    String older = registry.host() + "/cli/app:exec-014";
    assertThat(run(Map.of("CNB_PLATFORM_API", "0.14", "CNB_EXEC_ENV", "test"), flags(older))).as(bytes.toString())
        .isZero();
    assertThat(store.read(ImageRef.parse(older)).config().labels()).doesNotContainKey("io.buildpacks.exec-env");
  }

  @Test
  void reportFlagAndEnvUserIdsAreHonoured() {
    Path report = dir.resolve("out/report.toml");
    List<String> args = new java.util.ArrayList<>(List.of(flags(registry.host() + "/cli/app:env")));
    args.removeAll(List.of("-uid", "-gid", "1000"));
    args.addAll(0, List.of("-report", report.toString()));
    assertThat(run(Map.of("CNB_USER_ID", "1000", "CNB_GROUP_ID", "1000"), args.toArray(String[]::new)))
        .as(bytes.toString()).isZero();
    assertThat(report).exists();
  }

  @Test
  void withoutALauncherFileItExportsCnbfarmsShLauncherAndSaysSo() throws IOException {
    Files.delete(dir.resolve("launcher"));
    assertThat(run(Map.of(), flags(registry.host() + "/cli/app:nolauncher"))).isZero();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("Using cnbfarm's sh launcher " + dev.cnbfarm.image.export.ShellLauncher.VERSION + " (no launcher at "
        + dir.resolve("launcher"));
  }

  @Test
  void aLauncherFileIsUsedAndNamedInTheLog() {
    assertThat(run(Map.of(), flags(registry.host() + "/cli/app:withlauncher"))).isZero();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("Using the launcher " + dir.resolve("launcher"));
  }

  @Test
  void noImageNameExitsThree() {
    assertThat(run(Map.of(), flags())).isEqualTo(3);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("at least one image name is required");
  }

  @Test
  void missingUidExitsThree() {
    assertThat(run(Map.of(), "-layers", layers.toString(), registry.host() + "/cli/app:x")).isEqualTo(3);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("-uid (or CNB_USER_ID) is required");
  }
}
