package dev.cnbfarm.image.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.testing.AppImageFixture;
import dev.cnbfarm.image.testing.BusyboxRunImage;
import dev.cnbfarm.image.testing.FakeImageStore;
import dev.cnbfarm.image.testing.FakeImageStore.Op;
import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.CnbfarmException;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.Failures;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Store failures through the exporter (exit 62): a 5xx stays retryable, a refusal is the user's. */
class ExporterStoreFailureTest {
  @TempDir Path dir;
  FakeImageStore store;
  Image run;
  LayoutRef target;

  @BeforeEach
  void givenARunImage() throws IOException {
    store = FakeImageStore.over(new OciLayoutImageStore());
    run = store.read(BusyboxRunImage.write(dir.resolve("run"), "true"));
    target = LayoutRef.of(dir.resolve("app"), "latest");
  }

  private LifecycleException exportFails() {
    Throwable thrown = catchThrowable(() -> AppImageFixture.export(store, dir.resolve("build"), run, "example.com/run",
        target, Optional.empty()));
    assertThat(thrown).isInstanceOf(CnbfarmException.class);
    return Failures.classify(thrown, FailureCode.EXPORT_ERROR);
  }

  @Test
  void aLayerUpload503AfterTheRunImageWasReadIsARetryableExportFailure() {
    store.answering(Op.PUSH_BLOB, 503);

    LifecycleException failure = exportFails();

    assertThat(store.calls()).anySatisfy(c -> assertThat(c).startsWith("READ "));
    assertThat(failure.code().exitCode()).isEqualTo(62);
    assertThat(failure.category()).isEqualTo(Category.INFRA);
    assertThat(failure.retryable()).isTrue();
    assertThat(failure.getMessage()).contains("HTTP 503");
  }

  @Test
  void aManifestPushThatTimesOutIsARetryableExportFailure() {
    store.answering(Op.PUSH_MANIFEST, 504);

    LifecycleException failure = exportFails();

    assertThat(failure.code().exitCode()).isEqualTo(62);
    assertThat(failure.retryable()).isTrue();
  }

  @Test
  void aRunImageRefusedWith401IsAUserExportFailure() {
    store.answering(Op.READ, 401);

    LifecycleException failure = exportFails();

    assertThat(failure.code().exitCode()).isEqualTo(62);
    assertThat(failure.category()).isEqualTo(Category.USER);
    assertThat(failure.getMessage()).isEqualTo("read: denied (HTTP 401)");
  }
}
