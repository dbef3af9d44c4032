package dev.cnbfarm.image.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.dockerfile.ImageLoader;
import dev.cnbfarm.image.dockerfile.ImageRunner;

import dev.cnbfarm.image.rebase.RebaseRequest;
import dev.cnbfarm.image.rebase.RebaseResult;
import dev.cnbfarm.image.rebase.Rebaser;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.rootfs.RootfsCache;
import dev.cnbfarm.image.rootfs.ScratchSpace;
import dev.cnbfarm.image.sandbox.Sandbox;
import dev.cnbfarm.image.sandbox.SandboxResult;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.store.RegistryImageStore;
import dev.cnbfarm.image.store.RegistrySettings;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.AppImageFixture;
import dev.cnbfarm.image.testing.BusyboxRunImage;
import dev.cnbfarm.image.testing.LocalRegistry;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run image whose manifest lists one layer blob twice (busybox, empty, users, empty), as images
 * built by Docker often do: it must run (one overlay over a repeated lowerdir), export with every
 * layer, rebase and run again. overlayfs refuses the same lowerdir twice, so the rootfs stack
 * must hand it over once.
 */
class RepeatedLayerImageTest {
  @TempDir static Path dir;
  static LocalRegistry registry;
  static RoutingImageStore store;
  static Image run;
  static ImageRunner runner;

  @BeforeAll
  static void repeatedLayerRunImageInRegistry() throws IOException {
    registry = LocalRegistry.start();
    store = new RoutingImageStore(new OciLayoutImageStore(), RegistryImageStore.of(RegistrySettings.defaults()));
    run = BusyboxRunImage.copy(store, BusyboxRunImage.write(dir.resolve("src"), "true", true),
        ImageRef.parse(registry.host() + "/test/repeated-run:latest"), dir);
    runner = new ImageRunner(Sandbox.create(), ScratchSpace.open(dir.resolve("scratch")),
        new ImageLoader(store, RootfsCache.open(dir.resolve("cache")), dir.resolve("downloads")), Duration.ofMinutes(1));
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @Test
  void theFixtureListsOneBlobTwice() {
    List<Digest> layers = run.manifest().layers().stream().map(Descriptor::digest).toList();
    assertThat(layers).hasSize(4);
    assertThat(layers.get(1)).isEqualTo(layers.get(3));
  }

  @Test
  void anImageListingOneLayerTwiceRuns() {
    Output out = run(run, List.of("sh", "-c", "id -u; cat /etc/group"));
    assertThat(out.stderr).isEmpty();
    assertThat(out.result.exitCode()).isZero();
    assertThat(out.stdout).containsExactly("1000", "root:x:0:", "cnb:x:1000:");
  }

  @Test
  void anAppImageOnItKeepsEveryRunLayerRebasesAndRuns() throws IOException {
    ImageRef target = ImageRef.parse(registry.host() + "/test/repeated-app:1");
    Image app = AppImageFixture.export(store, dir.resolve("build"), run, registry.host() + "/test/repeated-run",
        target, Optional.empty()).image();
    assertThat(app.manifest().layers().subList(0, 4)).isEqualTo(run.manifest().layers());
    assertThat(run(app, List.of("cat", "/etc/passwd")).stdout).contains("cnb:x:1000:1000::/home/cnb:/bin/sh");

    Image patched = AppImageFixture.derivedRunImage(store, run, ImageRef.parse(registry.host() + "/test/repeated-run:latest"),
        "patched", Map.of(), dir);
    RebaseResult rebased = new Rebaser(store, Reporter.NONE).rebase(
        new RebaseRequest(target, Optional.empty(), false, List.of()));

    assertThat(rebased.replacedLayers()).isEqualTo(4);
    List<Descriptor> expected = new ArrayList<>(patched.manifest().layers());
    expected.addAll(app.manifest().layers().subList(4, app.manifest().layers().size()));
    assertThat(rebased.image().manifest().layers()).isEqualTo(expected);
    Output out = run(store.read(target), List.of("sh", "-c", "cat /etc/marker /workspace/index.html"));
    assertThat(out.result.exitCode()).isZero();
    assertThat(out.stdout).containsExactly("patched", "hello");
  }

  private static Output run(Image image, List<String> args) {
    Output out = new Output();
    out.result = runner.run(image, args, Map.of(), out.stdout::add, out.stderr::add);
    return out;
  }

  static final class Output {
    final List<String> stdout = Collections.synchronizedList(new ArrayList<>());
    final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
    SandboxResult result;
  }
}
