package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.rootfs.DiffId;
import dev.cnbfarm.image.rootfs.RootfsCache;
import dev.cnbfarm.image.rootfs.ScratchSpace;
import dev.cnbfarm.image.sandbox.BusyboxImage;
import dev.cnbfarm.image.sandbox.Sandbox;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Test fixture for the applier against the real sandbox, overlayfs and layer codec: a two-layer
 * busybox base (busybox, then {@code /etc/passwd} and group with {@code cnb} = 1000:1000; user
 * {@code cnb}, {@code PATH=/bin}) in a real rootfs cache under {@code work}, a context dir holding
 * {@code file.txt}, and the reporter's lines ({@code WARN } before warnings).
 */
final class ApplierFixture {
  final Path work;
  final RootfsCache rootfs;
  final ImageState base;
  final Path context;
  final List<String> lines = Collections.synchronizedList(new ArrayList<>());
  final Reporter reporter = new Reporter() {
    @Override public void debug(String line) { lines.add(line); }
    @Override public void info(String line) { lines.add(line); }
    @Override public void warn(String line) { lines.add("WARN " + line); }
  };

  ApplierFixture(Path work) throws IOException {
    this.work = work;
    rootfs = RootfsCache.open(work.resolve("rootfs"));
    Path busybox = rootfs.layerDir(DiffId.parse("sha256:" + "b".repeat(64)), BusyboxImage::writeBaseLayer);
    Path users = rootfs.layerDir(DiffId.parse("sha256:" + "c".repeat(64)), dest -> {
      Files.createDirectories(dest.resolve("etc"));
      Files.writeString(dest.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\ncnb:x:1000:1000::/home/cnb:/bin/sh\n");
      Files.writeString(dest.resolve("etc/group"), "root:x:0:\ncnb:x:1000:\n");
    });
    ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64).withUser("cnb").withEnv(List.of("PATH=/bin"));
    base = new ImageState(config, List.of(StateLayer.base(Digest.parse("sha256:" + "b".repeat(64)), busybox),
        StateLayer.base(Digest.parse("sha256:" + "c".repeat(64)), users)));
    context = Files.createDirectories(work.resolve("context"));
    Files.writeString(context.resolve("file.txt"), "from the context\n");
  }

  /** An applier over {@code sandbox}, with scratch, blobs and a one-day layer cache under {@code work}. */
  DockerfileApplier applier(Sandbox sandbox) {
    return new DockerfileApplier(sandbox, rootfs, ScratchSpace.open(work.resolve("scratch")),
        work.resolve("blobs"), new DirectoryLayerCache(work.resolve("cache"), Duration.ofDays(1), Clock.systemUTC()),
        reporter, Duration.ofMinutes(2));
  }

  /**
   * A request to apply {@code dockerfile} (written to a new file) to the base as extension {@code
   * test/ext}, with a fresh {@code build_id}, {@code user_id}/{@code group_id} 1000 and {@code
   * extraArgs} on top.
   */
  ApplyRequest request(String dockerfile, Map<String, String> extraArgs) throws IOException {
    Path file = Files.writeString(work.resolve("Dockerfile-" + UUID.randomUUID()), dockerfile);
    Map<String, String> args = new HashMap<>(Map.of("build_id", UUID.randomUUID().toString(), "user_id", "1000",
        "group_id", "1000", "base_image", "registry.test/base@sha256:" + "b".repeat(64)));
    args.putAll(extraArgs);
    return new ApplyRequest(base, file, args, context, "test/ext");
  }
}
