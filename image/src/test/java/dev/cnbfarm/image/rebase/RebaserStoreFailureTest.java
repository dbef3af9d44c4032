package dev.cnbfarm.image.rebase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cnbfarm.image.ref.ImageRef;
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
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Store failures through the rebaser (exit 72): a 5xx stays retryable, a refusal or a missing image is the user's. */
class RebaserStoreFailureTest {
  @TempDir Path dir;
  FakeImageStore store;
  LayoutRef app;
  LayoutRef runB;

  @BeforeEach
  void givenAnAppImageAndANewRunImage() throws IOException {
    store = FakeImageStore.over(new OciLayoutImageStore());
    Image runA = store.read(BusyboxRunImage.write(dir.resolve("run-a"), "true"));
    app = LayoutRef.of(dir.resolve("app"), "latest");
    AppImageFixture.export(store, dir.resolve("build"), runA, "example.com/run", app, Optional.empty());
    runB = LayoutRef.of(dir.resolve("run-a"), "b");
    AppImageFixture.derivedRunImage(store, runA, runB, "B", Map.of(), dir);
  }

  private LifecycleException rebaseFails(ImageRef appImage) {
    Throwable thrown = catchThrowable(() -> new Rebaser(store, Reporter.NONE)
        .rebase(new RebaseRequest(appImage, Optional.of(runB), true, List.of())));
    assertThat(thrown).isInstanceOf(CnbfarmException.class);
    return Failures.classify(thrown, FailureCode.REBASE_ERROR);
  }

  @Test
  void aManifestPush503AfterBothImagesWereReadIsARetryableRebaseFailure() {
    store.answering(Op.PUSH_MANIFEST, 503);

    LifecycleException failure = rebaseFails(app);

    assertThat(failure.code().exitCode()).isEqualTo(72);
    assertThat(failure.category()).as(failure.getMessage()).isEqualTo(Category.INFRA);
    assertThat(failure.retryable()).isTrue();
  }

  @Test
  void anAppImageRefusedWith401IsAUserRebaseFailure() {
    store.answering(Op.READ, 401);

    LifecycleException failure = rebaseFails(app);

    assertThat(failure.code().exitCode()).isEqualTo(72);
    assertThat(failure.category()).isEqualTo(Category.USER);
  }

  @Test
  void aMissingAppImageIsAUserRebaseFailureNamingIt() {
    LifecycleException failure = rebaseFails(LayoutRef.of(dir.resolve("app"), "gone"));

    assertThat(failure.code().exitCode()).isEqualTo(72);
    assertThat(failure.category()).isEqualTo(Category.USER);
    assertThat(failure.getMessage()).contains("gone");
  }
}
