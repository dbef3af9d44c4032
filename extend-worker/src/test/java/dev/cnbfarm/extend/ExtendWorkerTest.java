package dev.cnbfarm.extend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.rootfs.LocalCache;
import dev.cnbfarm.image.testing.FakeImageStore;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.schemas.BuildDetected;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtendWorkerTest {
  @TempDir Path tmp;

  @Test
  void eachRoleGetsItsHandlerUnderItsPhaseName() {
    try (LocalCache cache = LocalCache.open(tmp, Map.of())) {
      ExtendWorker worker = ExtendWorker.of(new FakeImageStore(), cache, BuildRoleHandlerTest.EXTEND,
          BuildRoleHandlerTest.BUILD);

      assertThat(worker.handler(ExtendWorker.Role.parse("build"))).isInstanceOf(BuildRoleHandler.class)
          .satisfies(h -> assertThat(h.phase()).isEqualTo("extend-build").isEqualTo(ExtendWorker.Role.BUILD.phase()));
      assertThat(worker.handler(ExtendWorker.Role.parse(" RUN "))).isInstanceOf(RunRoleHandler.class)
          .satisfies(h -> assertThat(h.phase()).isEqualTo("extend-run").isEqualTo(ExtendWorker.Role.RUN.phase()));
      assertThat(worker.buildRole().input()).isEqualTo(BuildDetected.class);
      assertThat(worker.runRole().input()).isEqualTo(BuildDetected.class);
    }
  }

  @Test
  void workDirsLiveInTheProcesssOwnCacheDirAndBuildersBesideTheCache() {
    try (LocalCache cache = LocalCache.open(tmp, Map.of())) {
      ExtendWorker worker = ExtendWorker.of(new FakeImageStore(), cache, BuildRoleHandlerTest.EXTEND,
          BuildRoleHandlerTest.BUILD);

      assertThat(worker.workRoot()).isEqualTo(cache.blobs().resolve("work"));
      assertThat(worker.builderCache()).isEqualTo(cache.root().resolve("builders"));
    }
  }

  @Test
  void anUnknownRoleIsExitThreeNamingIt() {
    assertThatThrownBy(() -> ExtendWorker.Role.parse("export")).isInstanceOf(LifecycleException.class)
        .hasMessage("--role 'export' is not one of build, run")
        .extracting(e -> ((LifecycleException) e).code()).isEqualTo(FailureCode.INVALID_ARGS);
  }
}
