package dev.cnbfarm.image.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.rootfs.RootfsCache;
import dev.cnbfarm.image.rootfs.ScratchSpace;
import dev.cnbfarm.image.sandbox.Sandbox;
import dev.cnbfarm.image.sandbox.SandboxResult;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.Manifest;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image config's {@code User} (decisions.md #10) and {@code Env} (#9) mean the same to extend
 * (a run.Dockerfile's RUN steps and the config it writes) and to {@code cnbfarm run}
 * ({@link ImageRunner}): each is read by one function of {@code lifecycle.extend}. Real sandbox,
 * overlayfs and layer codec, on the busybox base of {@link BaseImageFixture}.
 */
class ImageUserAndEnvTest {
  private static final List<String> ODD_ENV =
      List.of("PATH=/bin", "EQ=a=b=c", "BARE", "=nameless", "DUP=first", "DUP=second");
  private static final String PRINT_ENV = "echo \"EQ=$EQ DUP=$DUP BARE=${BARE-unset}\"";

  @TempDir static Path dir;
  static BaseImageFixture base;
  static ImageLoader loader;
  static RootfsCache rootfs;
  static ImageRunner runner;
  static DockerfileApplier applier;

  @BeforeAll
  static void fixtures() {
    base = new BaseImageFixture(dir.resolve("base"));
    rootfs = RootfsCache.open(dir.resolve("rootfs"));
    loader = new ImageLoader(base.store, rootfs, dir.resolve("downloads"));
    runner = new ImageRunner(Sandbox.create(), ScratchSpace.open(dir.resolve("run-scratch")), loader,
        Duration.ofMinutes(1));
    applier = new DockerfileApplier(Sandbox.create(), rootfs, ScratchSpace.open(dir.resolve("extend-scratch")),
        dir.resolve("blobs"), new DirectoryLayerCache(dir.resolve("cache"), Duration.ofDays(1), Clock.systemUTC()),
        Reporter.NONE, Duration.ofMinutes(2));
  }

  @Test
  void aNumericUserWithoutAPasswdEntryIsTheSameUidAndGidInExtendAndRun() throws IOException {
    Image image = variant("uid-only", c -> c.withUser("1234"));

    ApplyResult extended = extend(image, "RUN echo \"$(id -u):$(id -g)\" > /tmp/id\n");
    List<String> run = run(image, "echo \"$(id -u):$(id -g)\"");

    assertThat(extended.image().stack().readText("/tmp/id")).contains("1234:1234\n");
    assertThat(run).containsExactly("1234:1234");
  }

  @Test
  void anUnknownUserNameIsTheSameClearErrorInExtendAndRun() {
    Image image = variant("unknown-user", c -> c.withUser("nobody-here"));
    String message = "image user 'nobody-here' is not in the image's /etc/passwd";

    assertThatThrownBy(() -> extend(image, "RUN true\n")).hasMessageContaining(message);
    assertThatThrownBy(() -> run(image, "true")).hasMessageContaining(message);
  }

  @Test
  void envIsSplitOnTheFirstEqualsAndEntriesWithoutANameAreDroppedInExtendAndRun() throws IOException {
    Image image = variant("odd-env", c -> c.withEnv(ODD_ENV));

    ApplyResult extended = extend(image, "RUN " + PRINT_ENV + " > /tmp/env\nENV ADDED=1\n");
    List<String> run = run(image, PRINT_ENV);

    String expected = "EQ=a=b=c DUP=second BARE=unset";
    assertThat(extended.image().stack().readText("/tmp/env")).contains(expected + "\n");
    assertThat(run).containsExactly(expected);
    assertThat(extended.image().config().env()).containsExactly("PATH=/bin", "EQ=a=b=c", "DUP=second", "ADDED=1");
  }

  /** Applies {@code steps} after {@code FROM ${base_image}} to {@code image}, as a run.Dockerfile. */
  private static ApplyResult extend(Image image, String steps) throws IOException {
    Path file = Files.writeString(dir.resolve("Dockerfile-" + UUID.randomUUID()),
        "ARG base_image\nFROM ${base_image}\n" + steps);
    Path context = Files.createDirectories(dir.resolve("context"));
    Map<String, String> args = Map.of("build_id", UUID.randomUUID().toString(), "user_id", "1000", "group_id", "1000",
        "base_image", image.ref().toString());
    return applier.apply(new ApplyRequest(loader.load(image), file, args, context, "test/ext"));
  }

  /** {@code sh -c script} in {@code image}, as {@code cnbfarm run} starts it; its stdout lines. */
  private static List<String> run(Image image, String script) {
    List<String> out = Collections.synchronizedList(new ArrayList<>());
    List<String> err = Collections.synchronizedList(new ArrayList<>());
    SandboxResult result = runner.run(image, List.of("/bin/sh", "-c", script), Map.of(), out::add, err::add);
    assertThat(result.exitCode()).as("exit code; stderr %s", err).isZero();
    return out;
  }

  /** The fixture's image with its config changed by {@code edit}, under tag {@code tag}. */
  private static Image variant(String tag, UnaryOperator<ImageConfig> edit) {
    LayoutRef ref = LayoutRef.of(base.ref.directory(), tag);
    byte[] json = edit.apply(base.image.config()).toJson();
    base.store.pushManifest(ref, Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(json), json.length),
        base.image.manifest().layers()), json);
    return base.store.read(ref);
  }
}
