package dev.cnbfarm.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.testing.FakeImageStore;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.schemas.BuildBuilt;
import dev.cnbfarm.schemas.RunImageReady;
import org.junit.jupiter.api.Test;

/** The composition the runtime wires: the handler of phase export, joining built ⋈ run.ready into exported. */
class ExportWorkerTest {
  @Test
  void composesTheExportHandlerJoiningBuiltAndRunReadyIntoExported() {
    ExportHandler handler = ExportWorker.handler(new FakeImageStore());

    assertThat(handler.phase()).isEqualTo("export");
    assertThat(handler.left()).isEqualTo(BuildBuilt.class);
    assertThat(handler.right()).isEqualTo(RunImageReady.class);
    assertThat(ExportWorker.INPUTS).containsExactly(Topic.BUILT, Topic.RUN_READY);
    assertThat(ExportWorker.OUTPUT).isEqualTo(Topic.EXPORTED);
  }
}
