package dev.cnbfarm.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.RegistryImageStore;
import dev.cnbfarm.image.store.RegistrySettings;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.AppImageFixture;
import dev.cnbfarm.image.testing.BusyboxRunImage;
import dev.cnbfarm.image.store.CountingImageStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cnbfarm rebase} over {@code oci:} layouts: the printed digest, the layers, the exit codes. */
class RebaseCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CountingImageStore store = new CountingImageStore(
      new RoutingImageStore(new OciLayoutImageStore(), RegistryImageStore.of(RegistrySettings.defaults())));

  private int rebase(String... args) {
    return new RebaseCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8), store).run(args);
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** An app on busybox run image A in {@code oci:<dir>/a/layout:run}, then B (A + marker) under the same tag. */
  private Image appThenNewRunImage(String rebasable) throws IOException {
    LayoutRef runRef = BusyboxRunImage.write(dir.resolve("a"), rebasable);
    Image a = store.read(runRef);
    AppImageFixture.export(store, dir.resolve("build"), a, runRef.toString(),
        ImageRef.parse("oci:" + dir.resolve("app") + ":app"), Optional.empty());
    return AppImageFixture.derivedRunImage(store, a, runRef, "B", Map.of(), dir);
  }

  @Test
  void rebasesAnOciLayoutAppOntoTheRunImageItsNameNowResolvesToAndPrintsTheDigest() throws IOException {
    Image b = appThenNewRunImage("true");
    String app = "oci:" + dir.resolve("app") + ":app";
    String extra = "oci:" + dir.resolve("app") + ":rebased";
    Image before = store.read(ImageRef.parse(app));
    store.reset();

    assertThat(rebase(app, "--tag", extra)).as(printed()).isZero();

    Image after = store.read(ImageRef.parse(app));
    String digest = after.manifestDigest().value();
    assertThat(printed()).startsWith("Rebasing " + app + " on run image " + b.pinnedRef() + "\n")
        .contains("Replaced 2 run image layers with " + b.pinnedRef() + ", kept 4 layers\n")
        .contains("Rebased Image: " + app + "@" + digest + "\n")
        .contains("Rebased Image: " + extra + "@" + digest + "\n")
        .endsWith("\n" + digest + "\n");
    assertThat(store.read(ImageRef.parse(extra)).manifestDigest()).isEqualTo(after.manifestDigest());
    assertThat(after.manifest().layers()).extracting(Descriptor::digest).startsWith(
        b.manifest().layers().stream().map(Descriptor::digest).toArray(Digest[]::new)).hasSize(7);
    assertThat(after.manifest().layers().subList(3, 7)).isEqualTo(before.manifest().layers().subList(2, 6));
    assertThat(store.pulled()).isEmpty();

    bytes.reset();
    assertThat(rebase(app)).as(printed()).isZero();
    assertThat(printed()).contains("digest unchanged").endsWith("\n" + digest + "\n");
  }

  @Test
  void aNotRebasableAppIsExit72NamingTheLabelAndForceThenRebasesWithForce() throws IOException {
    appThenNewRunImage("false");
    String app = "oci:" + dir.resolve("app") + ":app";

    assertThat(rebase(app)).isEqualTo(72);
    assertThat(printed()).startsWith("ERROR: app image " + app + " has label io.buildpacks.rebasable=false")
        .contains("--force");

    bytes.reset();
    assertThat(rebase("--force", app)).as(printed()).isZero();
  }

  @Test
  void badArgumentsAreExit3() {
    assertThat(rebase()).isEqualTo(3);
    assertThat(printed()).isEqualTo("ERROR: " + RebaseCommand.USAGE + "\nTry 'cnbfarm rebase --help' for usage.\n");
    bytes.reset();
    assertThat(rebase("a", "--run-image")).isEqualTo(3);
    assertThat(printed()).startsWith("ERROR: --run-image needs a value");
    bytes.reset();
    assertThat(rebase("a", "--publish")).isEqualTo(3);
    assertThat(printed()).startsWith("ERROR: unknown flag --publish");
  }

  @Test
  void parsesRepeatedTagsAndEqualsForms() {
    var req = RebaseCommand.parse(new String[] {"reg.example/app:1", "--run-image=reg.example/run:2", "--force",
        "--tag", "reg.example/app:a", "--tag=reg.example/app:b"});
    assertThat(req.force()).isTrue();
    assertThat(req.runImage()).contains(ImageRef.parse("reg.example/run:2"));
    assertThat(req.targets()).containsExactly(ImageRef.parse("reg.example/app:1"), ImageRef.parse("reg.example/app:a"),
        ImageRef.parse("reg.example/app:b"));
    assertThat(List.of(req.appImage())).containsExactly(ImageRef.parse("reg.example/app:1"));
  }
}
