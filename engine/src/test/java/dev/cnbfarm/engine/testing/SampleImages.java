package dev.cnbfarm.engine.testing;

import dev.cnbfarm.image.builder.BuilderCreator;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.layer.NormalisedTime;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.ImageAssembly;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.lifecycle.builder.BuilderConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The images of {@code samples/demo}, made in Java for tests: busybox roots with a CNB user
 * 1000:1000 for the build image, the run image and the "tiny" run image an extension switches to,
 * and the pack-shaped sample builder ({@code samples/builder/builder.toml}: one buildpack, three
 * extensions: a run-image switch, a build-image extension, a run-image extension). Needs {@code
 * /bin/busybox} (busybox-static).
 *
 * @param builder the sample builder
 * @param build its build image
 * @param run the run image (pass it as the run-image override: run.toml names a registry image)
 * @param runTiny the image the run-tiny extension switches to ({@link #env()} tells it)
 * @param app the sample app dir
 */
public record SampleImages(ImageRef builder, ImageRef build, ImageRef run, ImageRef runTiny, Path app) {
  /** The repository root (tests run in a module dir). */
  public static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("samples/builder"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no samples/builder above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  /** Writes every image to {@code ref.apply(name)} (e.g. {@code oci:<dir>:<name>} or a registry repo). */
  public static SampleImages write(ImageStore store, Function<String, ImageRef> ref, Path tmp) throws IOException {
    Path samples = repoRoot().resolve("samples");
    ImageRef build = image(store, ref.apply("build"), tmp, "builder", "cnbfarm sample builder",
        List.of("PATH=/usr/local/bin:/bin", "CNB_USER_ID=1000", "CNB_GROUP_ID=1000"), Map.of());
    ImageRef run = image(store, ref.apply("run"), tmp, "run", "cnbfarm sample run image", List.of("PATH=/bin"),
        Map.of("io.buildpacks.rebasable", "true"));
    ImageRef runTiny = image(store, ref.apply("run-tiny"), tmp, "run-tiny", "cnbfarm sample run image (tiny)",
        List.of("PATH=/bin"), Map.of("io.buildpacks.rebasable", "true"));
    String toml = Files.readString(samples.resolve("builder/builder.toml"))
        .replace("BUILD_IMAGE", build.toString())
        .replace("uri = \"", "uri = \"" + samples.resolve("builder") + "/");
    Path builderToml = Files.writeString(tmp.resolve("builder.toml"), toml);
    ImageRef builder = ref.apply("builder");
    Path scratch = Files.createDirectories(tmp.resolve("builder-scratch"));
    new BuilderCreator(store, scratch, "0.0.0-test").create(BuilderConfig.read(builderToml), builder);
    return new SampleImages(builder, build, run, runTiny, samples.resolve("apps/hello"));
  }

  /** The platform env the sample needs: where the run-tiny extension switches to. */
  public Map<String, String> env() {
    return Map.of("SAMPLES_RUN_TINY", runTiny.toString());
  }

  private static ImageRef image(ImageStore store, ImageRef ref, Path tmp, String name, String motd, List<String> env,
      Map<String, String> labels) throws IOException {
    Path root = busyboxRoot(tmp.resolve("rootfs").resolve(name), motd);
    LayerBlob layer = LayerWriter.of().writeTree(root, tmp.resolve(name + ".tar.gz"));
    ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64)
        .withLayer(layer.diffId(), new ImageConfig.History(NormalisedTime.IMAGE_CREATED, "sample " + name, "", false))
        .withEnv(env).withUser("cnb").withLabels(labels);
    store.pushBlob(ref, layer);
    Digest digest = ImageAssembly.of(config, List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer.digest(),
        layer.size()))).pushTo(store, ref);
    Files.delete(layer.file());
    return ref.withDigest(digest);
  }

  /** A busybox root with a CNB user 1000:1000, as samples/demo makes it. */
  static Path busyboxRoot(Path dir, String motd) throws IOException {
    for (String d : List.of("bin", "etc", "home/cnb", "tmp", "root", "workspace")) {
      Files.createDirectories(dir.resolve(d));
    }
    Files.copy(Path.of("/bin/busybox"), dir.resolve("bin/busybox"));
    Process list = new ProcessBuilder("/bin/busybox", "--list").redirectErrorStream(true).start();
    List<String> applets = new ArrayList<>(new String(list.getInputStream().readAllBytes()).lines().toList());
    for (String applet : applets) {
      if (!applet.isBlank() && !applet.equals("busybox")) {
        Files.createSymbolicLink(dir.resolve("bin").resolve(applet), Path.of("busybox"));
      }
    }
    Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\ncnb:x:1000:1000:CNB user:/home/cnb:/bin/sh\n");
    Files.writeString(dir.resolve("etc/group"), "root:x:0:\ncnb:x:1000:\n");
    Files.writeString(dir.resolve("etc/motd"), motd + "\n");
    Files.setAttribute(dir.resolve("home/cnb"), "unix:uid", 1000);
    Files.setAttribute(dir.resolve("home/cnb"), "unix:gid", 1000);
    Files.setPosixFilePermissions(dir.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setAttribute(dir.resolve("tmp"), "unix:mode", 01777);
    Files.setPosixFilePermissions(dir.resolve("root"), PosixFilePermissions.fromString("rwx------"));
    return dir;
  }
}
