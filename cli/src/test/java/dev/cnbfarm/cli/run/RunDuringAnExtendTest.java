package dev.cnbfarm.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.rootfs.CacheHolder;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.testing.ShLauncherAppImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes on one cache dir: an extender (a child JVM holding a running step, its layer, a
 * blob and a download) while {@code cnbfarm run} starts on the same dir with a budget of zero.
 */
class RunDuringAnExtendTest {
  @TempDir Path dir;

  @Test
  void runStartingDuringAnExtendOnTheSameCacheDirKeepsTheExtendersEntriesAndBothSucceed() throws Exception {
    ImageRef app = ShLauncherAppImage.export(dir, new OciLayoutImageStore());
    Path cache = dir.resolve("cache");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    try (CacheHolder.Child extender = CacheHolder.start(cache)) {
      int code = new RunCommand(Map.of("CNBFARM_CACHE_DIR", cache.toString(), "CNBFARM_CACHE_MAX", "0"),
          new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8),
          OciLayoutImageStore::new, () -> true).run(new String[] {app.toString()});

      assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
      assertThat(stdout.toString(StandardCharsets.UTF_8)).startsWith("hello ");
      assertThat(extender.stepDir().resolve("upper")).as("the extender's running step").isDirectory();
      assertThat(extender.layerDir().resolve("blob")).as("the layer its step stacks").hasSize(10_000);
      assertThat(extender.blob()).as("a blob in its blob dir").hasSize(10_000);
      assertThat(extender.download()).as("its download in progress").hasSize(10_000);
      assertThat(extender.finish()).as("the extender's exit code").isZero();
    }
    assertThat(cache.resolve("blobs")).as("both closed their blob dirs").isEmptyDirectory();
  }
}
