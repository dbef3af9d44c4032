package dev.cnbfarm.export;

import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.runtime.Topic;
import java.util.List;

/**
 * The export worker's composition (design.md §2, §7): what {@code cnbfarm worker export} and the
 * one-shot {@code cnbfarm build} wire into the runtime's join. It builds the handler from the
 * image store the composition root made (registry settings and credentials are read there, not
 * here) and names the topics it joins and writes. The handler needs no local disk: the app image
 * is assembled in memory and its layers are mounted, so there is no scratch dir to sweep.
 * Stateless.
 */
public final class ExportWorker {
  /** The joined inputs, left then right: {@code built} ⋈ {@code run.ready} by build id and attempt. */
  public static final List<Topic> INPUTS = List.of(Topic.BUILT, Topic.RUN_READY);
  /** What it writes on success; failures go to {@link Topic#FAILED} through the runtime. */
  public static final Topic OUTPUT = Topic.EXPORTED;

  private ExportWorker() {}

  /** The handler over {@code store}, which must reach the run images and the target repositories. */
  public static ExportHandler handler(ImageStore store) {
    return new ExportHandler(store);
  }
}
