package dev.cnbfarm.image.sandbox;

import dev.cnbfarm.image.rootfs.DiffId;
import dev.cnbfarm.image.rootfs.OverlayMount;
import dev.cnbfarm.image.rootfs.RootfsCache;
import dev.cnbfarm.image.rootfs.RootfsPlan;
import dev.cnbfarm.image.rootfs.ScratchSpace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test fixture: a rootfs cache holding the busybox base layer, a scratch space, and a sandbox, with
 * helpers to run a command and collect its output. One per test class.
 */
final class SandboxFixture {
  static final DiffId BASE = DiffId.parse("sha256:" + "b".repeat(64));

  final RootfsCache cache;
  final ScratchSpace scratch;
  final Sandbox sandbox = Sandbox.create();
  final Path base;

  SandboxFixture(Path dir) {
    cache = RootfsCache.open(dir.resolve("cache"));
    scratch = ScratchSpace.open(dir.resolve("scratch"));
    base = cache.layerDir(BASE, BusyboxImage::writeBaseLayer);
  }

  OverlayMount overlay(Path... lowers) {
    return scratch.prepare(RootfsPlan.of(List.of(lowers)));
  }

  Output run(SandboxSpec spec) {
    Output output = new Output();
    output.result = sandbox.run(spec, output.stdout::add, output.stderr::add);
    return output;
  }

  /** Every path below {@code dir}, relative, sorted. */
  static List<String> tree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> !p.equals(dir))
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String hostMountInfo() {
    try {
      return Files.readString(Path.of("/proc/self/mountinfo"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a run printed, and how it ended. */
  static final class Output {
    final List<String> stdout = Collections.synchronizedList(new ArrayList<>());
    final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
    SandboxResult result;

    @Override
    public String toString() {
      return result + " stdout=" + stdout + " stderr=" + stderr;
    }
  }
}
